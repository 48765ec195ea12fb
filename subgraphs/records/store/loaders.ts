import DataLoader from 'dataloader';
import type { AccessLogStore } from './access-log-store';
import type { AppRegistry } from './app-registry';
import type { AccessLogRow } from '../entities/access-log';
import type { ApprovedAppRow } from '../entities/approved-app';
import type { ExclusionEventRow } from '../entities/exclusion-event';
import type { PatientRow } from '../entities/patient';
import type { RecordEntryRow } from '../entities/record-entry';
import type { ClinicalViewQuery, PatientViewQuery } from './entry-queries';
import type { KeptCounts } from '../caches/kept-counts';
import type { RecordsStore } from './records-store';

/**
 * Per-request loaders. However many patients a request touches, each kind of read is one
 * SQL statement per batch: patients, exclusions, entries by id, each view's pages and counts.
 */
export interface RecordsLoaders {
  patient: DataLoader<string, PatientRow | null>;
  exclusions: DataLoader<string, ExclusionEventRow[]>;
  entry: DataLoader<string, RecordEntryRow | null>;
  patientView: DataLoader<PatientViewQuery, RecordEntryRow[], string>;
  patientViewCount: DataLoader<PatientViewQuery, number, string>;
  clinicalView: DataLoader<ClinicalViewQuery, RecordEntryRow[], string>;
  clinicalViewCount: DataLoader<string, number>;
  app: DataLoader<string, ApprovedAppRow | null>;
  /** Access-log rows of this tick, written in one INSERT; each read waits until its row is stored. */
  accessLog: DataLoader<AccessLogRow, true>;
}

const queryKey = (query: object) => JSON.stringify(query);

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const list = groups.get(key(row));
    if (list) list.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}

/** Keeps one page per query: rows of its patient, in the order the query's SQL returned them. */
function pagesFor<Q extends { nhsNumber: string; limit: number }>(queries: readonly Q[], rows: readonly RecordEntryRow[]) {
  // Two queries for the same patient with other arguments run in separate batches (see below).
  const byPatient = groupBy(rows, (row) => row.nhsNumber);
  return queries.map((query) => (byPatient.get(query.nhsNumber) ?? []).slice(0, query.limit));
}

/** Splits a batch so that no patient appears twice in one statement (different args, same patient). */
async function perDistinctPatient<Q extends { nhsNumber: string }, R>(
  queries: readonly Q[],
  run: (batch: Q[]) => Promise<R[]>,
): Promise<R[]> {
  const rounds: Q[][] = [];
  const roundOf = new Map<Q, number>();
  for (const query of queries) {
    let round = 0;
    while (rounds[round]?.some((other) => other.nhsNumber === query.nhsNumber)) round += 1;
    (rounds[round] ??= []).push(query);
    roundOf.set(query, round);
  }
  const results = await Promise.all(rounds.map(run));
  const position = new Map<Q, R>();
  rounds.forEach((round, r) => round.forEach((query, i) => position.set(query, results[r]![i]!)));
  return queries.map((query) => position.get(query)!);
}

export function createRecordsLoaders(
  store: RecordsStore,
  apps: AppRegistry,
  accessLog: AccessLogStore,
  keptCounts: KeptCounts,
  /** Told of each failed access-log write (the read waiting on it fails all the same). */
  onAccessLogFailure: () => void = () => {},
): RecordsLoaders {
  return {
    patient: new DataLoader(async (nhsNumbers) => {
      const byNhs = new Map((await store.patientsByNhsNumber(nhsNumbers)).map((row) => [row.nhsNumber, row]));
      return nhsNumbers.map((nhs) => byNhs.get(nhs) ?? null);
    }),
    exclusions: new DataLoader(async (nhsNumbers) => {
      const byNhs = await store.exclusions(nhsNumbers);
      return nhsNumbers.map((nhs) => byNhs.get(nhs) ?? []);
    }),
    entry: new DataLoader(async (ids) => {
      const byId = new Map((await store.entriesById(ids)).map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    patientView: new DataLoader<PatientViewQuery, RecordEntryRow[], string>(
      (queries) => perDistinctPatient(queries, async (batch) => pagesFor(batch, await store.patientViewPages(batch))),
      { cacheKeyFn: queryKey },
    ),
    // A count kept from an earlier request is reused only when counting again would give it (kept-counts.ts).
    patientViewCount: new DataLoader<PatientViewQuery, number, string>(
      async (queries) => {
        const kept = queries.map((query) => keptCounts.get(query, query.recordVersion));
        const toCount = queries.filter((_, i) => kept[i] === undefined);
        const counted = await perDistinctPatient(toCount, async (batch) => {
          const counts = await store.patientViewCounts(batch);
          return batch.map((query) => counts.get(query.nhsNumber));
        });
        toCount.forEach((query, i) => {
          const made = counted[i];
          if (made) keptCounts.keep(query, query.recordVersion, made.count, made.nextAvailableAt);
        });
        let next = 0;
        return kept.map((count) => count ?? counted[next++]?.count ?? 0);
      },
      { cacheKeyFn: queryKey },
    ),
    clinicalView: new DataLoader<ClinicalViewQuery, RecordEntryRow[], string>(
      (queries) => perDistinctPatient(queries, async (batch) => pagesFor(batch, await store.clinicalViewPages(batch))),
      { cacheKeyFn: queryKey },
    ),
    clinicalViewCount: new DataLoader(async (nhsNumbers) => {
      const counts = await store.clinicalViewCounts(nhsNumbers);
      return nhsNumbers.map((nhs) => counts.get(nhs) ?? 0);
    }),
    app: new DataLoader(async (clientIds) => {
      const byId = new Map((await apps.byClientIds(clientIds)).map((row) => [row.clientId, row]));
      return clientIds.map((id) => byId.get(id) ?? null);
    }),
    accessLog: new DataLoader(
      async (rows) => {
        try {
          await accessLog.append(rows);
        } catch (error) {
          onAccessLogFailure();
          throw error;
        }
        return rows.map(() => true as const);
      },
      { cache: false },
    ),
  };
}
