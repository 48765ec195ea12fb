import type { Supplier } from '../common/viewer';
import type { AccessPeriod, RolloutEvent } from './domain/rollout-event';

/** What the rollout resolvers return for each GraphQL type (codegen mappers): a practice is
 *  just its code; every field derives from the history and the request's instant. */
export interface RolloutPracticeModel {
  odsCode: string;
  /** From the practices subgraph (@requires); absent on a mutation's own result. */
  supplier?: Supplier;
}
export type RolloutEventModel = RolloutEvent;
export type AccessPeriodModel = AccessPeriod;
