import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, OperationTypeNode, parse } from 'graphql';
import type { ApolloClient } from '@apollo/client';
import { apiErrors } from '../../clients/kit/api-errors';
import { createGatewayClient } from '../../clients/kit/gateway-apollo-client';
import type { PersistedQueryManifest } from '../../platform/persisted-query-manifest';
import {
  AppRecordFirstPageDocument,
  AppRecordNextPageDocument,
  ClinicianPreviewDocument,
  PatientRecordDocument,
  SupplierPracticesDocument,
  type PatientRecordQuery,
} from '../../clients/kit/generated/graphql';
import type { TokenRequest } from '../../gateway/token-claims';
import { Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * The client kit as a frontend uses it, in Node against the running gateway: Apollo Client
 * with the kit's cache policies and the typed documents. Pages merge, filters keep their own
 * lists, errors come back with their code and the request's id.
 */
const PATIENT = '9990001375';
const titles = (data: PatientRecordQuery | undefined | null) => data?.me?.record.edges.map((edge) => edge.node.title) ?? [];

describe('the client kit against the gateway', () => {
  let supergraph: Supergraph;
  let s: Scenario;

  const clientFor = async (request: TokenRequest | null): Promise<ApolloClient> => {
    const token = request ? await s.token(request) : null;
    return createGatewayClient({ url: supergraph.url, token: () => token, name: 'client-kit-test' });
  };

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: '2026-11-24T12:00:00.000Z', demoData: true });
    s = new Scenario(supergraph);
  }, 60_000);
  afterAll(() => supergraph?.stop());

  it('a first page then fetchMore leaves both pages, in order, in the one cached list', async () => {
    const client = await clientFor(Scenario.patient(PATIENT));
    const all = await s.ok<PatientRecordQuery>(
      Scenario.patient(PATIENT),
      readFileSync(operation('patient', 'my-record'), 'utf8'),
      {
        first: 100,
      },
    );
    expect(all.me!.record.totalCount).toBeGreaterThanOrEqual(4);

    const first = await client.query({ query: PatientRecordDocument, variables: { first: 2 } });
    expect(titles(first.data)).toEqual(titles(all).slice(0, 2));
    expect(first.data?.me?.record.pageInfo.hasNextPage).toBe(true);
    expect(first.data?.me?.onlineAccess.state).toBe('VISIBLE');

    const observable = client.watchQuery({ query: PatientRecordDocument, variables: { first: 2 } });
    const subscription = observable.subscribe(() => undefined);
    await observable.refetch();
    await observable.fetchMore({ variables: { after: first.data!.me!.record.pageInfo.endCursor } });
    const merged = client.readQuery({ query: PatientRecordDocument, variables: { first: 2 } });
    subscription.unsubscribe();
    expect(titles(merged)).toEqual(titles(all).slice(0, 4));
    expect(merged?.me?.record.totalCount).toBe(all.me!.record.totalCount);
  });

  it('a filtered record is a list of its own: the unfiltered one is untouched', async () => {
    const client = await clientFor(Scenario.patient(PATIENT));
    await client.query({ query: PatientRecordDocument, variables: { first: 3 } });
    const results = await client.query({
      query: PatientRecordDocument,
      variables: { first: 3, types: ['TEST_RESULT', 'CLINICAL_LETTER'] },
    });
    const kinds = results.data?.me?.record.edges.map((edge) => edge.node.type) ?? [];
    expect(kinds.length).toBeGreaterThan(0);
    expect(kinds.every((kind) => kind === 'TEST_RESULT' || kind === 'CLINICAL_LETTER')).toBe(true);
    const unfiltered = client.readQuery({ query: PatientRecordDocument, variables: { first: 3 } });
    expect(unfiltered?.me?.record.edges).toHaveLength(3);
    expect(titles(unfiltered)).not.toEqual(titles(results.data));
  });

  it('practices filtered by supplier keep a list per supplier, and each pages on its own', async () => {
    const client = await clientFor(Scenario.nhse);
    const emis = await client.query({ query: SupplierPracticesDocument, variables: { supplier: 'EMIS', first: 2 } });
    await client.query({ query: SupplierPracticesDocument, variables: { supplier: 'TPP', first: 2 } });
    const observable = client.watchQuery({ query: SupplierPracticesDocument, variables: { supplier: 'EMIS', first: 2 } });
    const subscription = observable.subscribe(() => undefined);
    await observable.refetch();
    await observable.fetchMore({ variables: { after: emis.data!.practices.pageInfo.endCursor } });
    subscription.unsubscribe();
    const emisList = client.readQuery({ query: SupplierPracticesDocument, variables: { supplier: 'EMIS', first: 2 } });
    const tppList = client.readQuery({ query: SupplierPracticesDocument, variables: { supplier: 'TPP', first: 2 } });
    expect(emisList?.practices.edges).toHaveLength(4);
    expect(tppList?.practices.edges).toHaveLength(2);
    const codes = emisList!.practices.edges.map((edge) => edge.node.odsCode);
    expect(new Set(codes).size).toBe(4);
  });

  it("the clinician's preview pages through every entry, each saying whether the patient sees it", async () => {
    const client = await clientFor(Scenario.clinician('B84010'));
    const observable = client.watchQuery({ query: ClinicianPreviewDocument, variables: { nhsNumber: PATIENT, first: 5 } });
    const subscription = observable.subscribe(() => undefined);
    let result = await observable.refetch();
    while (result.data?.patient?.clinicalRecord.pageInfo.hasNextPage) {
      result = await observable.fetchMore({ variables: { after: result.data.patient.clinicalRecord.pageInfo.endCursor } });
    }
    subscription.unsubscribe();
    const cached = client.readQuery({ query: ClinicianPreviewDocument, variables: { nhsNumber: PATIENT, first: 5 } });
    const entries = cached!.patient!.clinicalRecord.edges.map((edge) => edge.node);
    expect(entries).toHaveLength(cached!.patient!.clinicalRecord.totalCount);
    expect(entries.some((entry) => entry.visibleToPatient && entry.hiddenReason === null)).toBe(true);
    expect(
      entries.filter((entry) => !entry.visibleToPatient).every((entry) => entry.hiddenReason && entry.notVisibleBecause.length),
    ).toBe(true);
  });

  it('an error comes back with its code and the request id', async () => {
    const otherPractice = await clientFor(Scenario.clinician('B84001'));
    const refused = await otherPractice
      .query({ query: ClinicianPreviewDocument, variables: { nhsNumber: PATIENT } })
      .catch((e) => e);
    const [forbidden] = apiErrors(refused instanceof Error ? refused : refused.error);
    expect(forbidden).toMatchObject({ code: 'FORBIDDEN' });
    expect(forbidden!.requestId).toMatch(/\S/);
    expect(forbidden!.message).not.toContain(PATIENT);

    const signedOut = await clientFor(null);
    const unauthenticated = await signedOut.query({ query: PatientRecordDocument }).catch((e) => e);
    const [noToken] = apiErrors(unauthenticated instanceof Error ? unauthenticated : unauthenticated.error);
    expect(noToken).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(noToken!.requestId).toMatch(/\S/);

    const unreachable = createGatewayClient({ url: 'http://127.0.0.1:1/graphql', token: () => null });
    const [offline] = apiErrors(await unreachable.query({ query: PatientRecordDocument }).catch((e) => e));
    expect(offline).toMatchObject({ code: 'NETWORK_ERROR', requestId: null });
  });

  // Every query a role's frontend may send is stored by the cache's policies without complaint.
  const ROLES: [string, TokenRequest][] = [
    ['patient', Scenario.patient(PATIENT)],
    ['clinician', Scenario.clinician('B84010')],
    ['supplier', Scenario.supplier('EMIS')],
    ['nhse', Scenario.nhse],
    ['analyst', Scenario.analyst],
  ];
  const QUERIES = ROLES.flatMap(([role, as]) =>
    readdirSync(join(__dirname, '..', '..', 'schema', 'operations', role))
      .filter((file) => file.endsWith('.graphql'))
      .map((file) => ({
        path: `${role}/${file}`,
        as,
        text: readFileSync(join(__dirname, '..', '..', 'schema', 'operations', role, file), 'utf8'),
      }))
      .filter(({ text }) =>
        parse(text).definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION && d.operation === OperationTypeNode.QUERY),
      ),
  );

  it.each(QUERIES)('$path is read and cached through the kit', async ({ as, text }) => {
    const client = await clientFor(as);
    const variables = JSON.parse(/^# Variables: (.*)$/m.exec(text)![1]!) as Record<string, unknown>;
    const result = await client.query({ query: parse(text), variables });
    expect(result.error).toBeUndefined();
    expect(client.readQuery({ query: parse(text), variables })).toEqual(result.data);
  });
});

function operation(role: string, name: string): string {
  return join(__dirname, '..', '..', 'schema', 'operations', role, `${name}.graphql`);
}

/**
 * An approved app through the kit: Apollo Client's persisted-query link sends each operation
 * as the id the app's manifest gives it, never its text, and the gateway runs the registered
 * body; the answers normalise in the cache because the bodies carry `__typename`.
 */
describe("an app's client from the kit", () => {
  const MANIFEST = JSON.parse(
    readFileSync(join(__dirname, '..', '..', 'schema', 'operations', 'app', 'persisted-query-manifest.json'), 'utf8'),
  ) as PersistedQueryManifest;
  let supergraph: Supergraph;
  let s: Scenario;
  let sent: Record<string, unknown>[];
  // Every request body the client sends, to check what travels.
  const recording: typeof fetch = async (input, init) => {
    sent.push(JSON.parse(init?.body as string) as Record<string, unknown>);
    return fetch(input, init);
  };
  const appClient = async (manifest?: PersistedQueryManifest) => {
    const token = await s.token(Scenario.app('demo-app', PATIENT));
    return createGatewayClient({
      url: supergraph.url,
      token: () => token,
      fetch: recording,
      ...(manifest ? { trustedOperations: manifest } : {}),
    });
  };

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: '2026-11-24T12:00:00.000Z', demoData: true });
    s = new Scenario(supergraph);
  }, 60_000);
  beforeEach(() => {
    sent = [];
  });
  afterAll(() => supergraph?.stop());

  it("reads the patient's pages by id alone, as the patient sees them", async () => {
    const own = await s.ok<PatientRecordQuery>(
      Scenario.patient(PATIENT),
      readFileSync(operation('patient', 'my-record'), 'utf8'),
      {
        first: 4,
      },
    );
    const client = await appClient(MANIFEST);
    // The next page through its own registered operation, merged into the first's list by the cache.
    const observable = client.watchQuery({ query: AppRecordFirstPageDocument, variables: { first: 2 } });
    const subscription = observable.subscribe(() => undefined);
    const first = await observable.refetch();
    await observable.fetchMore({
      query: AppRecordNextPageDocument,
      variables: { first: 2, after: first.data!.me!.record.pageInfo.endCursor! },
    });
    subscription.unsubscribe();
    const merged = client.readQuery({ query: AppRecordFirstPageDocument, variables: { first: 2 } });
    expect(merged!.me!.record.edges.map((edge) => edge.node.title)).toEqual(titles(own));
    const byName = new Map(MANIFEST.operations.map((entry) => [entry.name, entry.id]));
    expect(sent).toHaveLength(2);
    expect(sent.map((body) => (body.extensions as { persistedQuery: { sha256Hash: string } }).persistedQuery.sha256Hash)).toEqual(
      [byName.get('AppRecordFirstPage'), byName.get('AppRecordNextPage')],
    );
    expect(sent.every((body) => body.query === undefined)).toBe(true);
  });

  it('an operation the manifest lacks fails in the app, before any request', async () => {
    const client = await appClient(MANIFEST);
    const failed = await client.query({ query: PatientRecordDocument, variables: { first: 1 } }).catch((e) => e);
    const error = failed instanceof Error ? failed : failed.error;
    expect(String(error)).toMatch(/not in the app's manifest/);
    expect(sent).toEqual([]);
  });

  it("an app's client without its manifest sends text, and is refused with the code and the request id", async () => {
    const client = await appClient();
    const refused = await client.query({ query: AppRecordFirstPageDocument, variables: { first: 1 } }).catch((e) => e);
    const [error] = apiErrors(refused instanceof Error ? refused : refused.error);
    expect(error).toMatchObject({ code: 'PERSISTED_QUERY_ID_REQUIRED' });
    expect(error!.requestId).toMatch(/\S/);
  });
});
