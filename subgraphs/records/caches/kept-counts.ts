import type { PatientViewQuery } from '../store/entry-queries';

/** A count made, and what it holds for (see KeptCounts.get). */
interface KeptCount {
  recordVersion: string;
  /** The window's notAfter it was counted to, ms. */
  countedTo: number;
  /** The earliest availability after countedTo of any of the patient's entries not hidden from them; null if none. */
  nextAvailableAt: number | null;
  count: number;
}

/**
 * Counts of the entries each patient sees (a first page's `totalCount`), kept between requests.
 * Counting reads the patient's index entries one by one, so it grows with the record; a kept
 * count is reused only when it is exactly what counting again would give:
 * - the patient's record version (record-version.ts, read with their row in this request,
 *   before the count) is the one it was counted under: no entry of theirs was written since;
 * - the window is the same but for its end (the same stretches, the same
 *   types), and the end has not moved back;
 * - no entry of theirs became available between the end it was counted to and this one: the
 *   count statement also finds the earliest availability after its end.
 * Anything else is counted again. At most `max` counts are kept (emptied when full).
 */
export class KeptCounts {
  private readonly counts = new Map<string, KeptCount>();

  constructor(private readonly max = 100_000) {}

  private static key(query: PatientViewQuery): string {
    const { window, types } = query;
    const stretches = window.stretches.map((s) => `${s.from}-${s.to ?? ''}`).join(',');
    return `${query.nhsNumber}|${stretches}|${types?.join(',') ?? '*'}`;
  }

  /** The kept count for this query, if it holds (see above); undefined otherwise. */
  get(query: PatientViewQuery, recordVersion: string | undefined): number | undefined {
    if (!recordVersion) return undefined;
    const kept = this.counts.get(KeptCounts.key(query));
    if (!kept || kept.recordVersion !== recordVersion) return undefined;
    const end = query.window.notAfter.getTime();
    if (end < kept.countedTo) return undefined;
    if (kept.nextAvailableAt !== null && end >= kept.nextAvailableAt) return undefined;
    return kept.count;
  }

  /** Keeps a count made in this request, under the version read before it. */
  keep(query: PatientViewQuery, recordVersion: string | undefined, count: number, nextAvailableAt: number | null): void {
    if (!recordVersion || !Number.isSafeInteger(count) || (nextAvailableAt !== null && !Number.isFinite(nextAvailableAt))) return;
    if (this.counts.size >= this.max) this.counts.clear();
    this.counts.set(KeptCounts.key(query), {
      recordVersion,
      countedTo: query.window.notAfter.getTime(),
      nextAvailableAt,
      count,
    });
  }
}
