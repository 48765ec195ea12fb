import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_UNAVAILABLE_MESSAGE } from '../../platform/errors';
import { operationId, type PersistedQueryManifest, type TrustedOperation } from '../../platform/trusted-operations';
import { capturedLogger } from '../helpers/captured-logger';
import { codes, Scenario } from '../helpers/scenario';
import { postGraphQL, startSupergraph, type GraphQLResponse, type Supergraph } from '../helpers/supergraph';

const MANIFEST = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'schema', 'operations', 'app', 'persisted-query-manifest.json'), 'utf8'),
) as PersistedQueryManifest;
const ready = (name: string): TrustedOperation => MANIFEST.operations.find((operation) => operation.name === name)!;
const FIRST_PAGE = ready('AppRecordFirstPage');
const NEXT_PAGE = ready('AppRecordNextPage');
const PRACTICE_ACCESS = ready('AppPracticeAccess');

type Page = {
  me: {
    record: { totalCount: number; edges: { node: { title: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
  };
};

/**
 * An app token runs only its app's trusted operations, by id, as Apollo Client's
 * persisted-query link sends them; nhse registers them with the approval, in the manifest
 * format Apollo's tooling writes. Anything else is refused at the gateway before planning,
 * and logged; what runs is still judged by every rule an app's document always was.
 */
describe('trusted operations for approved apps, through the gateway', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const captured = capturedLogger('warn');
  const PRACTICE = 'A81010';
  const NHS = '9990001375';
  const APP = 'trusted-app';
  const OTHER_APP = 'other-app';
  const app = Scenario.app(APP, NHS);
  const APPS = '{ apps { clientId operations { id name type body } } }';
  const APPROVE = `mutation($c: ID!, $o: [TrustedOperationInput!]) {
    approveApp(clientId: $c, name: "Trusted App", scopes: ["record:read"], operations: $o) { clientId } }`;
  const OWN_ONLY = 'query OtherOwn { me { nhsNumber } }';

  const operationsOf = async (clientId: string) => {
    const { apps } = await s.ok<{ apps: { clientId: string; operations: TrustedOperation[] }[] }>(Scenario.nhse, APPS);
    return apps.find((entry) => entry.clientId === clientId)?.operations;
  };
  const sentById = (id: string, variables?: Record<string, unknown>, query?: string) =>
    supergraph.reachedDuring(() => s.byId(app, id, variables, query));
  // The request id differs on every answer: checked equal to the header, then left out of the comparison.
  const refusal = (response: GraphQLResponse<unknown>) => {
    const errors = (response.body.errors ?? []).map(({ extensions, ...error }) => {
      expect(extensions?.requestId).toBe(response.requestId);
      const { requestId: _requestId, ...rest } = extensions ?? {};
      return { ...error, extensions: rest };
    });
    return { status: response.status, body: { ...response.body, errors } };
  };

  beforeAll(async () => {
    supergraph = await startSupergraph({
      now: '2023-01-01T09:00:00.000Z',
      logger: captured.logger,
      appRateLimit: { perSecond: 1000, burst: 1000 },
    });
    s = new Scenario(supergraph);
    await s.createPractice(PRACTICE);
    await s.switchOn(PRACTICE);
    await s.registerPatient(PRACTICE, NHS);
    s.at('2023-01-01T10:00:00.000Z'); // clear of the switch-on by more than the clock tolerance
    for (const title of ['First', 'Second', 'Third']) {
      await s.addEntry(PRACTICE, NHS, title);
      supergraph.clock.advance(60_000);
    }
    s.at('2023-01-02T09:00:00.000Z');
    await s.ok(Scenario.nhse, APPROVE, { c: APP, o: MANIFEST.operations });
    await s.approveApp(OTHER_APP, ['record:read'], 'Other App', [OWN_ONLY]);
  }, 60_000);

  afterAll(() => supergraph?.stop());

  describe('registered with the approval (nhse)', () => {
    it('nhse reads the list back as registered, in the manifest format', async () => {
      expect(await operationsOf(APP)).toEqual(MANIFEST.operations);
    });

    it('approving again without operations keeps the list; an empty list replaces it', async () => {
      await s.approveApp('kept-list-app', ['record:read'], 'Kept', [OWN_ONLY]);
      await s.approveApp('kept-list-app', ['record:read'], 'Kept, renamed');
      expect((await operationsOf('kept-list-app'))?.map((operation) => operation.name)).toEqual(['OtherOwn']);
      await s.approveApp('kept-list-app', ['record:read'], 'Kept', []);
      expect(await operationsOf('kept-list-app')).toEqual([]);
      // With no operations, it runs nothing.
      const response = await s.as(Scenario.app('kept-list-app', NHS), OWN_ONLY);
      expect(codes(response)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
    });

    const entry = (body: string, name: string, type = 'query') => ({ id: operationId(body), name, type, body });
    it.each<[string, ReturnType<typeof entry>[], RegExp]>([
      [
        'a mutation',
        [entry('mutation Hide { hideRecordEntry(id: "x", reason: "y") { id } }', 'Hide', 'mutation')],
        /queries only/,
      ],
      ['a mutation written as a query', [entry('mutation Hide { __typename }', 'Hide')], /queries of `me`/],
      ['introspection', [entry('query Schema { __schema { types { name } } }', 'Schema')], /queries of `me`/],
      ['`me` beside another root field', [entry('query Both { me { nhsNumber } practices { totalCount } }', 'Both')], /of `me`/],
      [
        'a field behind a fragment',
        [entry('query F { me { nhsNumber } ...P } fragment P on Query { patients { totalCount } }', 'F')],
        /of `me`/,
      ],
      [
        'two operations in one body',
        [entry('query A { me { nhsNumber } } query B { me { nhsNumber } }', 'A')],
        /exactly one operation/,
      ],
      ['an anonymous operation', [entry('{ me { nhsNumber } }', 'Anonymous')], /named as the operation/],
      ['a body that does not parse', [entry('query Broken { me { ', 'Broken')], /not a GraphQL document/],
      [
        'an id that is not its body\u2019s hash',
        [{ ...entry('query Mine { me { nhsNumber } }', 'Mine'), id: operationId('x') }],
        /SHA-256/,
      ],
      [
        'one name twice',
        [entry('query Mine { me { nhsNumber } }', 'Mine'), entry('query Mine { me { dateOfBirth } }', 'Mine')],
        /name is registered twice/,
      ],
    ])('%s is refused at registration: BAD_USER_INPUT, and the list stays', async (_case, operations, message) => {
      const response = await s.as(Scenario.nhse, APPROVE, { c: APP, o: operations });
      expect(codes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.errors![0]!.message).toMatch(message);
      expect(await operationsOf(APP)).toEqual(MANIFEST.operations);
    });

    it('the lookup is not in the public API: not even nhse can ask it through the gateway', async () => {
      const { response, reached } = await supergraph.reachedDuring(() =>
        s.as(Scenario.nhse, `{ trustedOperation(clientId: "${APP}", id: "${FIRST_PAGE.id}") }`),
      );
      expect(response.status).toBe(400);
      expect(codes(response)).toEqual(['BAD_USER_INPUT']);
      expect(reached).toEqual({});
    });

    it('only nhse registers, and only nhse reads the list', async () => {
      for (const role of [Scenario.analyst, Scenario.clinician(PRACTICE), Scenario.patient(NHS)]) {
        expect(codes(await s.as(role, APPROVE, { c: APP, o: [] }))).toEqual(['FORBIDDEN']);
      }
      expect(await operationsOf(APP)).toEqual(MANIFEST.operations);
    });
  });

  describe('an app sending an id', () => {
    it('a registered operation is served: what the patient sees, and records is asked for the list', async () => {
      const { response, reached } = await sentById(FIRST_PAGE.id, { first: 2 });
      expect(response.status).toBe(200);
      const asPatient = await s.ok(Scenario.patient(NHS), FIRST_PAGE.body, { first: 2 });
      expect(response.body).toEqual({ data: asPatient });
      expect(reached.records).toBeGreaterThanOrEqual(2); // the lookup, and the patient view
    });

    it('the next page by cursor, as Apollo Client would page', async () => {
      const first = (await sentById(FIRST_PAGE.id, { first: 2 })).response.body.data as Page;
      expect(first.me.record.edges.map((edge) => edge.node.title)).toEqual(['Third', 'Second']);
      const next = (await sentById(NEXT_PAGE.id, { first: 2, after: first.me.record.pageInfo.endCursor })).response;
      expect((next.body.data as Page).me.record.edges.map((edge) => edge.node.title)).toEqual(['First']);
      expect((next.body.data as Page).me.record.pageInfo.hasNextPage).toBe(false);
    });

    it("the practice's access state", async () => {
      const { response } = await sentById(PRACTICE_ACCESS.id);
      expect(response.body).toEqual({ data: await s.ok(Scenario.patient(NHS), PRACTICE_ACCESS.body) });
    });

    it('by GET too, as the link sends hashed queries with useGETForHashedQueries', async () => {
      const search = new URLSearchParams({
        operationName: PRACTICE_ACCESS.name,
        extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: PRACTICE_ACCESS.id } }),
      });
      const response = await fetch(`${supergraph.url}?${search.toString()}`, {
        headers: { authorization: `Bearer ${await s.token(app)}`, 'apollo-require-preflight': 'true' },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: await s.ok(Scenario.patient(NHS), PRACTICE_ACCESS.body) });
    });

    it('the text sent beside its own id is served (the registered body runs)', async () => {
      const { response } = await sentById(PRACTICE_ACCESS.id, {}, PRACTICE_ACCESS.body);
      expect(response.status).toBe(200);
      expect(codes(response)).toEqual([]);
    });
  });

  describe('anything else is refused before planning, with HTTP 400', () => {
    it('a document without an id: PERSISTED_QUERY_ID_REQUIRED, and no subgraph is called', async () => {
      const token = await s.token(app);
      const { response, reached } = await supergraph.reachedDuring(() => supergraph.graphql(token, FIRST_PAGE.body));
      expect(refusal(response)).toEqual({
        status: 400,
        body: {
          errors: [
            {
              message:
                'An app runs only its registered operations: send the operation id (extensions.persistedQuery.sha256Hash), not a document',
              extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED' },
            },
          ],
        },
      });
      expect(reached).toEqual({});
    });

    it('an unknown id: PERSISTED_QUERY_NOT_IN_LIST, and only the lookup reaches records', async () => {
      const { response, reached } = await sentById(operationId('query Unknown { me { nhsNumber } }'));
      expect(refusal(response)).toEqual({
        status: 400,
        body: {
          errors: [
            {
              message: "This operation id is not among the app's registered operations",
              extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' },
            },
          ],
        },
      });
      expect(reached).toEqual({ records: 1 });
    });

    it("another app's operation: PERSISTED_QUERY_NOT_IN_LIST", async () => {
      const { response, reached } = await sentById(operationId(Scenario.operation(OWN_ONLY).body));
      expect(codes(response)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
      expect(reached).toEqual({ records: 1 });
    });

    it('an id that is no SHA-256, or a version other than 1, calls no subgraph', async () => {
      const notAnId = await sentById('not-a-hash');
      expect(codes(notAnId.response)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
      expect(notAnId.reached).toEqual({});
      const token = await s.token(app);
      const v2 = await postGraphQL(
        supergraph.url,
        { authorization: `Bearer ${token}` },
        {
          extensions: { persistedQuery: { version: 2, sha256Hash: FIRST_PAGE.id } },
        },
      );
      expect(codes(v2)).toEqual(['PERSISTED_QUERY_ID_REQUIRED']);
    });

    it('a registered id sent with another text: refused, and nothing runs', async () => {
      const { response, reached } = await sentById(PRACTICE_ACCESS.id, {}, '{ me { nhsNumber dateOfBirth } }');
      expect(codes(response)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
      expect(response.body.errors![0]!.message).toBe('The query sent is not the one its operation id names');
      expect(reached).toEqual({});
    });

    it('each refusal is logged with the client id, the operation id and the request id, and no patient data', () => {
      const refusals = captured.lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.msg === 'refused: not a trusted operation of the app');
      expect(refusals.length).toBeGreaterThanOrEqual(5);
      expect(refusals).toContainEqual(
        expect.objectContaining({
          clientId: APP,
          operationId: null,
          code: 'PERSISTED_QUERY_ID_REQUIRED',
          requestId: expect.any(String),
        }),
      );
      expect(refusals).toContainEqual(
        expect.objectContaining({ clientId: APP, operationId: operationId(Scenario.operation(OWN_ONLY).body) }),
      );
      const text = JSON.stringify(refusals);
      expect(text).not.toContain(NHS);
      expect(text).not.toContain('nhsNumber'); // no document text
      expect(text).not.toContain('not-a-hash'); // nor what the client sent in place of an id
    });
  });

  describe('a registered operation never widens what an app may read', () => {
    it('a body in the list that only `me` may not be (written past registration) is refused by the app rule, before planning', async () => {
      // Registration refuses it; here it is put straight into the records database, as a fault would.
      const body = 'query Sneaky { practices { totalCount } }';
      const records = supergraph.subgraphs.records.database.dataSource;
      const rows: { list: number }[] = await records.query(
        `SELECT operation_list AS list FROM approved_app WHERE client_id = '${APP}'`,
      );
      const list = rows[0]!.list;
      await records.query(
        `INSERT INTO trusted_operation (client_id, list_number, id, position, name, type, body) VALUES ('${APP}', ${list}, '${operationId(body)}', 99, 'Sneaky', 'query', '${body}')`,
      );
      const { response, reached } = await sentById(operationId(body));
      expect(response.status).toBe(403);
      expect(codes(response)).toEqual(['FORBIDDEN']);
      expect(reached).toEqual({ records: 1 });
    });

    it('a registered `me` field an app may not read is still refused by records (the access log)', async () => {
      const log = '{ me { accessLog { totalCount } } }';
      await s.approveApp('nosy-app', ['record:read'], 'Nosy', [log]);
      const response = await s.as(Scenario.app('nosy-app', NHS), log);
      expect(codes(response)).toContain('FORBIDDEN');
    });
  });

  describe('a list replaced, an app revoked', () => {
    it('a replaced list: the new operation runs at once, the old one is refused once its answer is no longer kept (1 s)', async () => {
      const old = 'query Old { me { nhsNumber } }';
      const replacement = 'query New { me { dateOfBirth } }';
      const replacing = Scenario.app('replacing-app', NHS);
      await s.approveApp('replacing-app', ['record:read'], 'Replacing', [old]);
      expect(codes(await s.as(replacing, old))).toEqual([]);
      await s.approveApp('replacing-app', ['record:read'], 'Replacing', [replacement]);
      expect(codes(await s.as(replacing, replacement))).toEqual([]);
      supergraph.clock.advance(1001);
      expect(codes(await s.as(replacing, old))).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
    });

    it('a revoked app: its operations are refused at once by records (FORBIDDEN, in the access log), whatever the gateway kept', async () => {
      const revoking = Scenario.app('revoked-app', NHS);
      await s.approveApp('revoked-app', ['record:read'], 'Revoked', [OWN_ONLY]);
      expect(codes(await s.as(revoking, OWN_ONLY))).toEqual([]);
      await s.ok(Scenario.nhse, 'mutation { revokeApp(clientId: "revoked-app") { revokedAt } }');
      const response = await s.as<{ me: unknown }>(revoking, OWN_ONLY);
      expect(codes(response)).toEqual(['FORBIDDEN']);
      expect(response.body.data?.me ?? null).toBeNull();
    });
  });

  describe('other roles are unchanged', () => {
    it('a patient sends documents as before; a persisted-query id from a patient is not taken', async () => {
      expect((await s.patientSees(NHS)).titles).toEqual(['Third', 'Second', 'First']);
      const response = await s.byId(Scenario.patient(NHS), FIRST_PAGE.id);
      expect(codes(response)).toEqual(['BAD_USER_INPUT']);
    });
  });

  describe('records down', () => {
    it('an app request fails closed: 503, SERVICE_UNAVAILABLE (try again in a second), nothing served', async () => {
      await supergraph.stopSubgraph('records');
      const response = await s.byId(app, operationId('query Uncached { me { nhsNumber } }'));
      expect(response.retryAfter).toBe('1');
      expect(refusal(response)).toEqual({
        status: 503,
        body: { errors: [{ message: SERVICE_UNAVAILABLE_MESSAGE, extensions: { code: 'SERVICE_UNAVAILABLE' } }] },
      });
    });
  });
});
