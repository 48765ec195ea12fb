import type { DataSource } from 'typeorm';
import type { RequestContext } from '../common/request-context';
import { createRolloutLoaders, type RolloutLoaders } from './loaders';
import type { PracticeDirectory } from './practice-directory';
import { RolloutStore } from './rollout-store';

export interface RolloutContext extends RequestContext {
  loaders: RolloutLoaders;
  rollout: RolloutStore;
}

export const rolloutContext =
  (directory: PracticeDirectory) =>
  (base: RequestContext, dataSource: DataSource): RolloutContext => {
    const rollout = new RolloutStore(dataSource);
    return { ...base, rollout, loaders: createRolloutLoaders(rollout, directory) };
  };
