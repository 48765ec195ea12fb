import type { DataSource } from 'typeorm';
import { Bulkhead } from '../runtime/bulkhead';
import type { RequestContext } from '../runtime/request-context';
import type { NoticePolicy } from './domain/state-machine';
import { KeptFigures } from './caches/kept-figures';
import { KeptHistories } from './caches/kept-histories';
import { createRolloutLoaders, type RolloutLoaders } from './store/loaders';
import type { PracticeDirectory } from './caches/practice-directory';
import { RolloutStore } from './store/rollout-store';

export interface RolloutContext extends RequestContext {
  loaders: RolloutLoaders;
  rollout: RolloutStore;
  /** The minimum notice of a planned switch-on (configured). */
  policy: NoticePolicy;
  /** Figures the process remembers for the inputs it keeps (one for every request). */
  figures: KeptFigures;
  /** The turn analytics (figures and lists of practices) wait for, apart from everything else. */
  analytics: Bulkhead;
}

/** Figures are counted synchronously: two at a time keep a core for the rest; a few more may wait. */
export const ANALYTICS_BULKHEAD = { concurrent: 2, queued: 16, waitMs: 4000 };

/** Each request's context; what the process keeps across requests (histories and figures for national figures) lives here. */
export function rolloutContext(directory: PracticeDirectory, policy: NoticePolicy) {
  const kept = new KeptHistories();
  const figures = new KeptFigures();
  const analytics = new Bulkhead(ANALYTICS_BULKHEAD);
  return (base: RequestContext, dataSource: DataSource): RolloutContext => {
    const rollout = new RolloutStore(dataSource);
    return { ...base, rollout, policy, figures, analytics, loaders: createRolloutLoaders(rollout, directory, kept) };
  };
}
