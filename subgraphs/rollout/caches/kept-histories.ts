import { VersionedSnapshot } from '../../runtime/versioned-snapshot';
import type { RolloutEvent } from '../domain/rollout-event';
import type { RolloutStore } from '../store/rollout-store';

export type AllHistories = ReadonlyMap<string, readonly RolloutEvent[]>;

/**
 * Every practice's history, kept by the process for national figures while the rollout
 * history's data version stays the same: each request reads the version (one small statement)
 * and reads every event again only after a write. Kept histories are frozen, as every request
 * shares them.
 */
export class KeptHistories {
  private readonly snapshot = new VersionedSnapshot<AllHistories>();

  async read(store: RolloutStore): Promise<AllHistories> {
    const version = await store.historyVersion();
    return this.snapshot.read(version, async () => {
      const histories = await store.allHistories();
      for (const [odsCode, events] of histories) {
        events.forEach((event) => Object.freeze(event));
        histories.set(odsCode, Object.freeze(events) as RolloutEvent[]);
      }
      return histories;
    });
  }
}
