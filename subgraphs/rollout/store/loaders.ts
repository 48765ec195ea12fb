import DataLoader from 'dataloader';
import type { PracticeSupplier } from '../../runtime/suppliers';
import type { RolloutEvent } from '../domain/rollout-event';
import type { PracticeMember } from '../domain/rollout-figures';
import type { AllHistories, KeptHistories } from '../caches/kept-histories';
import { membersMatching, type MembershipFilter, type PracticeDirectory } from '../caches/practice-directory';
import type { RolloutStore } from './rollout-store';

/** Per-request loaders: one query (or one call to practices) per batch, in key order. */
export interface RolloutLoaders {
  history: DataLoader<string, RolloutEvent[]>;
  supplier: DataLoader<string, PracticeSupplier | null>;
  /** Whether the practices subgraph knows a practice (see PracticeDirectory.known). */
  known: DataLoader<string, boolean>;
  /** Practices with their ICB and supplier, matching the filter: the directory asked once per request. */
  membership(filter: MembershipFilter): Promise<readonly PracticeMember[]>;
  /** Every practice's history, asked for once per request however many figures ask. */
  allHistories(): Promise<AllHistories>;
}

export function createRolloutLoaders(store: RolloutStore, directory: PracticeDirectory, kept: KeptHistories): RolloutLoaders {
  let members: Promise<readonly PracticeMember[]> | undefined;
  let allHistories: Promise<AllHistories> | undefined;
  return {
    history: new DataLoader(async (codes) => {
      const histories = await store.histories(codes);
      return codes.map((code) => histories.get(code) ?? []);
    }),
    supplier: new DataLoader(async (codes) => {
      const suppliers = await directory.suppliers(codes);
      return codes.map((code) => suppliers.get(code) ?? null);
    }),
    known: new DataLoader(async (codes) => {
      const known = await directory.known(codes);
      return codes.map((code) => known.has(code));
    }),
    membership: async (filter) => membersMatching(await (members ??= directory.membership()), filter),
    allHistories: () => (allHistories ??= kept.read(store)),
  };
}
