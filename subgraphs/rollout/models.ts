import type { Connection } from '../runtime/pagination';
import type { PracticeSupplier } from '../runtime/suppliers';
import type { PracticeNotification } from './domain/notifications';
import type { AccessPeriod, RolloutEvent } from './domain/rollout-event';
import type { PauseInForce } from './domain/rollout-state';
import type { WaveSkip } from './domain/wave';

/** What the rollout resolvers return for each GraphQL type (codegen mappers): a practice is
 *  just its code; every field derives from the history and the request's instant. */
export interface RolloutPracticeModel {
  odsCode: string;
  /** From the practices subgraph (@requires); absent on a mutation's own result. */
  supplier?: PracticeSupplier;
}
export type RolloutEventModel = RolloutEvent;
export type AccessPeriodModel = AccessPeriod;
export type PracticePauseModel = PauseInForce;
export type PracticeNotificationModel = PracticeNotification;
export type RolloutPracticeConnectionModel = Connection<RolloutPracticeModel>;
export interface WaveResultModel {
  scheduled: RolloutPracticeModel[];
  skipped: WaveSkip[];
}
export type WaveSkipModel = WaveSkip;
