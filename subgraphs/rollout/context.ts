import type { DataSource } from 'typeorm';
import type { RequestContext } from '../common/request-context';
import type { NoticePolicy } from './domain/state-machine';
import { KeptHistories } from './kept-histories';
import { createRolloutLoaders, type RolloutLoaders } from './loaders';
import type { PracticeDirectory } from './practice-directory';
import { RolloutStore } from './rollout-store';

export interface RolloutContext extends RequestContext {
  loaders: RolloutLoaders;
  rollout: RolloutStore;
  /** The minimum notice of a planned switch-on (configured). */
  policy: NoticePolicy;
}

/** Each request's context; what the process keeps across requests (the histories for national figures) lives here. */
export function rolloutContext(directory: PracticeDirectory, policy: NoticePolicy) {
  const kept = new KeptHistories();
  return (base: RequestContext, dataSource: DataSource): RolloutContext => {
    const rollout = new RolloutStore(dataSource);
    return { ...base, rollout, policy, loaders: createRolloutLoaders(rollout, directory, kept) };
  };
}
