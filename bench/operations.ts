import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The operations the benchmark sends, written once: the national-scale scenarios through a gateway,
 * and the records subgraph's own query for the same page (scenario 2, the floor that federation
 * adds to). A scenario's answer is checked on a sample of responses, so nothing fast and wrong
 * can win.
 */

/** Scenario 1: a patient's first page (the NHS App's record screen). */
export const PATIENT_FIRST_PAGE =
  '{ me { onlineAccess { state visibleFrom } record(first: 20) { totalCount edges { node { id type title availableAt } } } } }';

/**
 * Scenario 2: the same page asked of the records subgraph directly, as the gateway's last fetch
 * asks it: the patient's representation carries the practice's access status and periods, which
 * the gateway would have fetched from the rollout subgraph.
 */
export const RECORDS_FIRST_PAGE = `query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Patient { onlineAccess { state visibleFrom } record(first: 20) { totalCount edges { node { id type title availableAt } } } }
  }
}`;

/**
 * The key and the practice's access fields asked before the page, whose @requires needs them: a
 * shape that tells gateways apart (Hive Gateway 2.15.1 answers it with an internal error; see
 * bench/README.md).
 */
export const PATIENT_PRACTICE_THEN_PAGE =
  '{ me { nhsNumber registeredPractice { name accessOdsCode accessStatus accessPeriods { from to } } onlineAccess { state visibleFrom } record(first: 20) { totalCount edges { node { id type title availableAt } } } } }';

/** Two hops and a @requires: the operation the gateways are compared on. */
export const PATIENT_PRACTICE =
  '{ me { nhsNumber registeredPractice { name accessOdsCode accessStatus accessPeriods { from to } } } }';

/** Scenario 3: a clinician's list of 50 patients with their latest entries (the N+1 trap). */
export const CLINICIAN_LIST =
  '{ patients(first: 50) { edges { node { nhsNumber clinicalRecord(first: 5) { edges { node { title recordedAt visibleToPatient } } } } } } }';

const analystOperation = (file: string) => readFileSync(join(__dirname, '..', 'schema', 'operations', 'analyst', file), 'utf8');

/** Scenario 4: the analyst's summary per ICB and 52-week timeline (the README's ready operations). */
export const SUMMARY_BY_ICB = analystOperation('summary-by-icb.graphql');
export const WEEKLY_TIMELINE = analystOperation('weekly-timeline.graphql');

/** 52 weeks to the data set's instant (`asOf`), for WEEKLY_TIMELINE. */
export function fiftyTwoWeeksTo(asOf: string): { from: string; to: string } {
  const to = Date.parse(asOf);
  return { from: new Date(to - 52 * 7 * 86_400_000).toISOString(), to: new Date(to).toISOString() };
}

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: unknown[];
}

type PageConnection = { totalCount: number; edges: unknown[] };
type Page = { onlineAccess: { state: string }; record: PageConnection } | null | undefined;

/** A first page: no error, an access state, at most 20 entries of a count at least that large. */
const isPage = (page: Page): boolean =>
  !!page &&
  typeof page.onlineAccess?.state === 'string' &&
  Array.isArray(page.record?.edges) &&
  page.record.edges.length <= 20 &&
  page.record.totalCount >= page.record.edges.length;

/** Answer checks (on the parsed body of a 2xx response), by the shape each scenario must have. */
export const checks = {
  patientFirstPage: (body: unknown): boolean => {
    const { data, errors } = body as GraphQLBody;
    return !errors && isPage((data?.me as Page) ?? null);
  },
  recordsFirstPage: (body: unknown): boolean => {
    const { data, errors } = body as GraphQLBody;
    const entities = data?._entities as Page[] | undefined;
    return !errors && Array.isArray(entities) && entities.length === 1 && isPage(entities[0]);
  },
  patientPractice: (body: unknown): boolean => {
    const { data, errors } = body as GraphQLBody;
    const me = data?.me as { nhsNumber?: string; registeredPractice?: { accessStatus?: string } } | undefined;
    return !errors && typeof me?.nhsNumber === 'string' && typeof me.registeredPractice?.accessStatus === 'string';
  },
  clinicianList: (body: unknown): boolean => {
    const { data, errors } = body as GraphQLBody;
    const edges = (data?.patients as { edges?: { node: { clinicalRecord: { edges: unknown[] } } }[] } | undefined)?.edges;
    return !errors && Array.isArray(edges) && edges.length === 50 && edges.every((e) => e.node.clinicalRecord.edges.length <= 5);
  },
  summaryByIcb: (body: unknown): boolean => {
    const { data, errors } = body as GraphQLBody;
    const groups = data?.rolloutSummary as unknown[] | undefined;
    return !errors && Array.isArray(groups) && groups.length === 42;
  },
  weeklyTimeline: (body: unknown): boolean => {
    const { data, errors } = body as GraphQLBody;
    const points = data?.rolloutTimeline as unknown[] | undefined;
    return !errors && Array.isArray(points) && points.length === 53;
  },
};

/** A check that every answer equals the first one seen (for a scenario whose answer never changes). */
export function sameAsReference(reference: unknown): (body: unknown) => boolean {
  const expected = JSON.stringify(reference);
  return (body) => JSON.stringify(body) === expected;
}
