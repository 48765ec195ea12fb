import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../dataset/dataset';
import { CLINICIAN_LIST, fiftyTwoWeeksTo, PATIENT_FIRST_PAGE, SUMMARY_BY_ICB, WEEKLY_TIMELINE } from '../operations';
import type { TokenRequest } from '../../gateway/token-claims';
import { MIX_WEIGHTS, type MixKind } from './mix';
import type { KindSpec, MixEntry } from './request-kinds';

/**
 * Everything the mix sends, made ready against running services: tokens of each role, the app
 * approved with its trusted operations, the cursors of next pages, the write patients and a
 * first queue of unfiled results. Reads go to the data set's typical patients; writes only to
 * other patients of the clinician's practice, so no write changes an answer a read checks.
 */
export interface MixSources {
  gatewayUrl: string;
  mint: (request: TokenRequest) => Promise<string>;
  dataset: Pick<Dataset, 'samples' | 'instants'>;
  /** Patients read (default 200 of the data set's typical ones). */
  readers?: number;
}

/** The app the mix's app requests come from; one app stands for the many apps of production. */
export const OPEN_LOAD_APP = 'open-load-app';
const WRITE_PATIENTS = 20;
const UNFILED_AT_START = 20;
const NEXT_PAGE = `query($after: String!) { me { record(first: 20, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id type title availableAt } } } } }`;
const FIRST_PAGE_WITH_CURSOR = `{ me { record(first: 20) { totalCount pageInfo { hasNextPage endCursor } } } }`;

type Manifest = { operations: { id: string; name: string; type: string; body: string }[] };
const manifest = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'schema', 'operations', 'app', 'persisted-query-manifest.json'), 'utf8'),
) as Manifest;
const trusted = (name: string) => {
  const operation = manifest.operations.find((o) => o.name === name);
  if (!operation) throw new Error(`the app manifest has no ${name}`);
  return operation;
};

async function graphql(url: string, token: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] };
  if (!response.ok || answer.errors || !answer.data)
    throw new Error(`preparing the mix: HTTP ${response.status} ${answer.errors?.map((e) => e.message).join('; ') ?? ''}`);
  return answer.data;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export async function prepareMix(sources: MixSources): Promise<MixEntry[]> {
  const { gatewayUrl: url, mint, dataset } = sources;
  const readers = dataset.samples.typical.slice(0, sources.readers ?? 200);
  const patientTokens = await Promise.all(readers.map((nhsNumber) => mint({ role: 'patient', nhsNumber })));
  const odsCode = dataset.samples.clinicianPractice.odsCode;
  const clinician = await mint({ role: 'clinician', odsCode, subject: 'gp-open-load' });
  const analyst = await mint({ role: 'analyst', subject: 'analyst-open-load' });
  const nhse = await mint({ role: 'nhse', subject: 'nhse-open-load' });

  // The cursor after each reader's first page, for readers with a second page.
  const cursors: { token: string; nhsNumber: string; after: string }[] = [];
  for (const [i, token] of patientTokens.entries()) {
    const data = await graphql(url, token, { query: FIRST_PAGE_WITH_CURSOR });
    const page = (data.me as { record: { pageInfo: { hasNextPage: boolean; endCursor: string | null } } }).record.pageInfo;
    if (page.hasNextPage && page.endCursor) cursors.push({ token, nhsNumber: readers[i]!, after: page.endCursor });
  }
  if (cursors.length === 0) throw new Error('preparing the mix: no reader has a second page');

  // The app, approved as IM1 would, with its two ready record operations.
  const appOperations = [trusted('AppRecordFirstPage'), trusted('AppRecordNextPage')];
  await graphql(url, nhse, {
    query: `mutation($c: ID!, $n: String!, $s: [String!]!, $o: [TrustedOperationInput!]) { approveApp(clientId: $c, name: $n, scopes: $s, operations: $o) { clientId } }`,
    variables: { c: OPEN_LOAD_APP, n: 'Open-load app', s: ['record:read'], o: appOperations },
  });
  const appToken = (nhsNumber: string) =>
    mint({ role: 'app', clientId: OPEN_LOAD_APP, nhsNumber, identityLevel: 'P9', scope: 'record:read' });
  const byId = (id: string, variables: Record<string, unknown>) =>
    JSON.stringify({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: id } } });

  // Write patients: the clinician's other patients, never a reader.
  const listed = await graphql(url, clinician, { query: '{ patients(first: 100) { edges { node { nhsNumber } } } }' });
  const reading = new Set(dataset.samples.typical);
  const writePatients = (listed.patients as { edges: { node: { nhsNumber: string } }[] }).edges
    .map((edge) => edge.node.nhsNumber)
    .filter((nhsNumber) => !reading.has(nhsNumber))
    .slice(-WRITE_PATIENTS);
  if (writePatients.length === 0) throw new Error('preparing the mix: the clinician has no patient to write to');
  const unfiled: string[] = [];
  for (let i = 0; i < UNFILED_AT_START; i += 1) {
    const data = await graphql(url, clinician, {
      query: 'mutation($input: AddRecordEntryInput!) { addRecordEntry(input: $input) { id } }',
      variables: {
        input: {
          nhsNumber: writePatients[i % writePatients.length],
          type: 'TEST_RESULT',
          title: 'Open-load result',
          body: 'Written by the open-load bench.',
        },
      },
    });
    unfiled.push((data.addRecordEntry as { id: string }).id);
  }

  const read = (check: Extract<KindSpec, { kind: 'read' }>['check'], requests: { body: string; token: string }[]): KindSpec => ({
    kind: 'read',
    check,
    requests: requests.map(({ body, token }) => ({ body, headers: bearer(token) })),
  });
  const firstPageApp = trusted('AppRecordFirstPage').id;
  const nextPageApp = trusted('AppRecordNextPage').id;
  const sends: Record<MixKind, KindSpec> = {
    'patient first page': read(
      'patientFirstPage',
      patientTokens.map((token) => ({ token, body: JSON.stringify({ query: PATIENT_FIRST_PAGE }) })),
    ),
    'patient next page': read(
      'nextPage',
      cursors.map(({ token, after }) => ({ token, body: JSON.stringify({ query: NEXT_PAGE, variables: { after } }) })),
    ),
    'app first page (trusted id)': read(
      'appFirstPage',
      await Promise.all(
        readers.map(async (nhsNumber) => ({ token: await appToken(nhsNumber), body: byId(firstPageApp, { first: 20 }) })),
      ),
    ),
    'app next page (trusted id)': read(
      'nextPage',
      await Promise.all(
        cursors.map(async ({ nhsNumber, after }) => ({
          token: await appToken(nhsNumber),
          body: byId(nextPageApp, { after, first: 20 }),
        })),
      ),
    ),
    'clinician list of 50': read('clinicianList', [{ token: clinician, body: JSON.stringify({ query: CLINICIAN_LIST }) }]),
    'analyst summary by ICB': read('summaryByIcb', [{ token: analyst, body: JSON.stringify({ query: SUMMARY_BY_ICB }) }]),
    'analyst 52-week timeline': read('weeklyTimeline', [
      {
        token: analyst,
        body: JSON.stringify({ query: WEEKLY_TIMELINE, variables: fiftyTwoWeeksTo(dataset.instants.asOf) }),
      },
    ]),
    'clinician adds an entry': { kind: 'add-entry', headers: bearer(clinician), nhsNumbers: writePatients },
    'clinician files a result': { kind: 'file-entry', headers: bearer(clinician), unfiled },
    'clinician sets or lifts an exclusion': { kind: 'exclusion', headers: bearer(clinician), nhsNumbers: writePatients },
  };
  return (Object.keys(MIX_WEIGHTS) as MixKind[]).map((name) => ({ name, weight: MIX_WEIGHTS[name], send: sends[name] }));
}
