import type { DataSource } from 'typeorm';
import type { RequestContext } from '../common/request-context';
import type { NoticePolicy } from './domain/state-machine';
import { createRolloutLoaders, type RolloutLoaders } from './loaders';
import type { PracticeDirectory } from './practice-directory';
import { RolloutStore } from './rollout-store';

export interface RolloutContext extends RequestContext {
  loaders: RolloutLoaders;
  rollout: RolloutStore;
  /** The minimum notice of a planned switch-on (configured). */
  policy: NoticePolicy;
}

export const rolloutContext =
  (directory: PracticeDirectory, policy: NoticePolicy) =>
  (base: RequestContext, dataSource: DataSource): RolloutContext => {
    const rollout = new RolloutStore(dataSource);
    return { ...base, rollout, policy, loaders: createRolloutLoaders(rollout, directory) };
  };
