import DataLoader from 'dataloader';
import type { Supplier } from '../common/viewer';
import type { RolloutEvent } from './domain/rollout-event';
import type { PracticeDirectory } from './practice-directory';
import type { RolloutStore } from './rollout-store';

/** Per-request loaders: one query (or one call to practices) per batch, in key order. */
export interface RolloutLoaders {
  history: DataLoader<string, RolloutEvent[]>;
  supplier: DataLoader<string, Supplier | null>;
}

export function createRolloutLoaders(store: RolloutStore, directory: PracticeDirectory): RolloutLoaders {
  return {
    history: new DataLoader(async (codes) => {
      const histories = await store.histories(codes);
      return codes.map((code) => histories.get(code) ?? []);
    }),
    supplier: new DataLoader(async (codes) => {
      const suppliers = await directory.suppliers(codes);
      return codes.map((code) => suppliers.get(code) ?? null);
    }),
  };
}
