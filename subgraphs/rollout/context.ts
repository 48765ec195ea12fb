import type { DataSource } from 'typeorm';
import type { RequestContext } from '../common/request-context';
import type { NoticePolicy } from './domain/state-machine';
import { KeptFigures } from './kept-figures';
import { KeptHistories } from './kept-histories';
import { createRolloutLoaders, type RolloutLoaders } from './loaders';
import type { PracticeDirectory } from './practice-directory';
import { RolloutStore } from './rollout-store';

export interface RolloutContext extends RequestContext {
  loaders: RolloutLoaders;
  rollout: RolloutStore;
  /** The minimum notice of a planned switch-on (configured). */
  policy: NoticePolicy;
  /** Figures the process remembers for the inputs it keeps (one for every request). */
  figures: KeptFigures;
}

/** Each request's context; what the process keeps across requests (histories and figures for national figures) lives here. */
export function rolloutContext(directory: PracticeDirectory, policy: NoticePolicy) {
  const kept = new KeptHistories();
  const figures = new KeptFigures();
  return (base: RequestContext, dataSource: DataSource): RolloutContext => {
    const rollout = new RolloutStore(dataSource);
    return { ...base, rollout, policy, figures, loaders: createRolloutLoaders(rollout, directory, kept) };
  };
}
