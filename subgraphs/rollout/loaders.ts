import DataLoader from 'dataloader';
import type { PracticeSupplier } from '../common/suppliers';
import type { RolloutEvent } from './domain/rollout-event';
import type { PracticeMember } from './domain/rollout-figures';
import type { MembershipFilter, PracticeDirectory } from './practice-directory';
import type { RolloutStore } from './rollout-store';

/** Per-request loaders: one query (or one call to practices) per batch, in key order. */
export interface RolloutLoaders {
  history: DataLoader<string, RolloutEvent[]>;
  supplier: DataLoader<string, PracticeSupplier | null>;
  /** Practices with their ICB and supplier, asked of practices once per filter per request. */
  membership: DataLoader<MembershipFilter, PracticeMember[], string>;
  /** Every practice's history, read once per request however many figures ask. */
  allHistories(): Promise<Map<string, RolloutEvent[]>>;
}

export function createRolloutLoaders(store: RolloutStore, directory: PracticeDirectory): RolloutLoaders {
  let allHistories: Promise<Map<string, RolloutEvent[]>> | undefined;
  return {
    history: new DataLoader(async (codes) => {
      const histories = await store.histories(codes);
      return codes.map((code) => histories.get(code) ?? []);
    }),
    supplier: new DataLoader(async (codes) => {
      const suppliers = await directory.suppliers(codes);
      return codes.map((code) => suppliers.get(code) ?? null);
    }),
    membership: new DataLoader((filters) => Promise.all(filters.map((filter) => directory.membership(filter))), {
      cacheKeyFn: (filter) => `${filter.supplier ?? '*'}|${filter.icbCode ?? '*'}`,
    }),
    allHistories: () => (allHistories ??= store.allHistories()),
  };
}
