import { ANSWER_CHECKS, type CheckName } from './answer-checks';

/**
 * What each kind of request in the mix sends and how its answer is judged, as plain data (the
 * plan crosses into the generator's own process as JSON), and the senders made from it there.
 * Reads rotate over prepared requests. Writes are made at send time: entries added to the
 * dedicated write patients (every other one a test result, which arrives unfiled), entries filed
 * from a queue those test results refill, exclusions set and lifted in turn, so every answer
 * has one right value and no write touches a patient the reads check.
 */
export type KindSpec =
  | { kind: 'read'; check: CheckName; requests: { body: string; headers: Record<string, string> }[] }
  | { kind: 'add-entry'; headers: Record<string, string>; nhsNumbers: string[] }
  | { kind: 'file-entry'; headers: Record<string, string>; unfiled: string[] }
  | { kind: 'exclusion'; headers: Record<string, string>; nhsNumbers: string[] };

export interface MixEntry {
  /** The name the results give this kind. */
  name: string;
  /** Its share of the requests (relative to the other weights). */
  weight: number;
  send: KindSpec;
}

/** One request ready to go: its body, headers, and the judge of its answer (the parsed 2xx body). */
export interface Outgoing {
  body: string;
  headers: Record<string, string>;
  verify(answer: unknown): boolean;
}

const ADD_ENTRY = 'mutation($input: AddRecordEntryInput!) { addRecordEntry(input: $input) { id type filedAt availableAt } }';
const FILE_ENTRY = 'mutation($id: ID!) { fileRecordEntry(id: $id) { id filedAt availableAt } }';
const SET_EXCLUSION =
  'mutation($nhsNumber: ID!, $excluded: Boolean!, $reason: String) { setOnlineAccessExclusion(nhsNumber: $nhsNumber, excluded: $excluded, reason: $reason) { nhsNumber excludedByClinician } }';

type Data = { data?: Record<string, Record<string, unknown> | null> | null; errors?: unknown[] };
const field = (answer: unknown, name: string): Record<string, unknown> | undefined => {
  const { data, errors } = answer as Data;
  return errors ? undefined : (data?.[name] ?? undefined);
};

/**
 * One sender per mix entry (`undefined` from a sender: nothing to send, no unfiled entry left),
 * and the entries still unfiled, to hand to the next run: each is filed once only.
 */
export function buildSenders(mix: readonly MixEntry[]): { senders: (() => Outgoing | undefined)[]; unfiled: string[] } {
  // Test results added during the run, filed later: the file-entry senders' queue.
  const unfiled: string[] = mix.flatMap((entry) => (entry.send.kind === 'file-entry' ? entry.send.unfiled : []));
  const senders = mix.map(({ send }): (() => Outgoing | undefined) => {
    let turn = 0;
    switch (send.kind) {
      case 'read': {
        const check = ANSWER_CHECKS[send.check];
        return () => ({ ...send.requests[turn++ % send.requests.length]!, verify: check });
      }
      case 'add-entry':
        return () => {
          const n = turn++;
          const type = n % 2 ? 'TEST_RESULT' : 'CONSULTATION_NOTE';
          const input = {
            nhsNumber: send.nhsNumbers[n % send.nhsNumbers.length]!,
            type,
            title: `Open-load entry ${n}`,
            body: 'Written by the open-load bench.',
          };
          return {
            body: JSON.stringify({ query: ADD_ENTRY, variables: { input } }),
            headers: send.headers,
            verify: (answer) => {
              const added = field(answer, 'addRecordEntry');
              if (typeof added?.id !== 'string' || added.type !== type || added.filedAt !== null) return false;
              if (type === 'TEST_RESULT') unfiled.push(added.id);
              // A note is available at once; a result only once filed.
              return type === 'TEST_RESULT' ? added.availableAt === null : typeof added.availableAt === 'string';
            },
          };
        };
      case 'file-entry':
        return () => {
          const id = unfiled.shift();
          if (id === undefined) return undefined;
          return {
            body: JSON.stringify({ query: FILE_ENTRY, variables: { id } }),
            headers: send.headers,
            verify: (answer) => {
              const filed = field(answer, 'fileRecordEntry');
              return filed?.id === id && typeof filed.filedAt === 'string' && filed.availableAt === filed.filedAt;
            },
          };
        };
      case 'exclusion':
        return () => {
          const n = turn++;
          const nhsNumber = send.nhsNumbers[n % send.nhsNumbers.length]!;
          // Each patient excluded on one visit, the exclusion lifted on the next.
          const excluded = Math.floor(n / send.nhsNumbers.length) % 2 === 0;
          return {
            body: JSON.stringify({
              query: SET_EXCLUSION,
              variables: { nhsNumber, excluded, reason: excluded ? 'Open-load bench' : null },
            }),
            headers: send.headers,
            verify: (answer) => {
              const patient = field(answer, 'setOnlineAccessExclusion');
              return patient?.nhsNumber === nhsNumber && patient.excludedByClinician === excluded;
            },
          };
        };
    }
  });
  return { senders, unfiled };
}
