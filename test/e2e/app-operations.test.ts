import type { TokenRequest } from '../../gateway/token-claims';
import { operationId } from '../../platform/trusted-operations';
import { TrustedOperationEntity } from '../../subgraphs/records/entities/trusted-operation';
import { codes, Scenario } from '../helpers/scenario';
import { startSupergraph, type GraphQLResponse, type Supergraph } from '../helpers/supergraph';

/**
 * An app token reads only `me`, the patient view, through its app's trusted operations. nhse
 * cannot register anything else; an app sending a document is refused before any subgraph is
 * called; and should anything else ever stand in an app's list (written past registration),
 * the gateway's app rule still refuses it before it plans the query. Every other role passes.
 */
describe('an app token may use only `me`, refused at the gateway', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const practice = 'A81010';
  const patient = '9990001375';
  const otherPatient = '9990002746';
  const app: TokenRequest = { role: 'app', clientId: 'some-app', nhsNumber: patient, scope: 'record:read' };
  const REFUSAL = 'An app token may only read `me` (the patient view)';
  const ME_DOCUMENTS = [
    '{ me { nhsNumber } }',
    '{ mine: me { nhsNumber } again: me { onlineAccess { state } } __typename }',
    'query Mine { ...Me } fragment Me on Query { me { nhsNumber } }',
  ];
  const APPROVE = `mutation($o: [TrustedOperationInput!]) {
    approveApp(clientId: "some-app", name: "Some App", scopes: ["record:read"], operations: $o) { clientId } }`;

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: '2023-01-01T09:00:00.000Z' });
    s = new Scenario(supergraph);
    await s.createPractice(practice);
    await s.switchOn(practice);
    await s.registerPatient(practice, patient);
    await s.registerPatient(practice, otherPatient);
    await s.approveApp('some-app', ['record:read'], 'Some App', ME_DOCUMENTS);
  }, 60_000);

  /** Puts a body into the app's list in force straight in the records database, past registration's checks. */
  const writtenIntoList = async (body: string, position: number): Promise<string> => {
    const records = supergraph.subgraphs.records.database.dataSource;
    const rows: { list: number }[] = await records.query(
      "SELECT operation_list AS list FROM approved_app WHERE client_id = 'some-app'",
    );
    const id = operationId(body);
    await records
      .getRepository(TrustedOperationEntity)
      .insert({ clientId: 'some-app', listNumber: rows[0]!.list, position, id, name: 'Written', type: 'query', body });
    return id;
  };

  afterAll(() => supergraph?.stop());

  /** Sends the request and reports which subgraphs received how many HTTP requests meanwhile. */
  const sent = (request: TokenRequest, query: string, variables?: Record<string, unknown>) =>
    supergraph.reachedDuring(() => s.as(request, query, variables));

  const messages = (response: GraphQLResponse) => (response.body.errors ?? []).map((error) => error.message);

  describe('`me` passes the gateway', () => {
    it.each([
      ['`me`', ME_DOCUMENTS[0]!],
      ['`me` under aliases, with `__typename`', ME_DOCUMENTS[1]!],
      ['`me` through a fragment', ME_DOCUMENTS[2]!],
    ])('%s, registered, is not refused by the gateway and reaches the records subgraph', async (_case, query) => {
      const { response, reached } = await sent(app, query);
      // The records subgraph may still refuse the app (its approval); the gateway does not.
      expect(messages(response)).not.toContain(REFUSAL);
      expect(response.status).toBe(200);
      expect(reached.records).toBeGreaterThan(0);
    });
  });

  let written = 0;
  describe('anything else: never registered, refused as a document, and FORBIDDEN (403) even in the list', () => {
    // Objects, not tuples: a row without variables would make Jest pass its `done` callback.
    it.each<{ what: string; query: string; variables?: Record<string, unknown> }>([
      {
        what: 'patient(nhsNumber:)',
        query: 'query($n: ID!) { patient(nhsNumber: $n) { nhsNumber } }',
        variables: { n: otherPatient },
      },
      { what: 'patients', query: '{ patients { totalCount } }' },
      { what: 'practices', query: '{ practices { totalCount } }' },
      { what: 'practice(odsCode:)', query: 'query($o: ID!) { practice(odsCode: $o) { name } }', variables: { o: practice } },
      { what: 'rolloutSummary', query: '{ rolloutSummary { total enabled } }' },
      { what: 'pausedPractices', query: '{ pausedPractices { totalCount } }' },
      { what: '`__schema` introspection', query: '{ __schema { queryType { name } } }' },
      { what: '`__type` introspection', query: '{ __type(name: "Patient") { fields { name } } }' },
      { what: '`me` together with practices', query: '{ me { nhsNumber } practices { totalCount } }' },
      { what: 'practices behind an inline fragment', query: '{ me { nhsNumber } ... on Query { practices { totalCount } } }' },
      {
        what: 'practices behind a named fragment spread',
        query: 'query Q { me { nhsNumber } ...Lists } fragment Lists on Query { practices { totalCount } }',
      },
      { what: 'practices under @skip(if: true)', query: '{ me { nhsNumber } practices @skip(if: true) { totalCount } }' },
      {
        what: 'a mutation (pauseAccess)',
        query: 'mutation($o: ID!, $r: String!) { pauseAccess(odsCode: $o, reason: $r) { accessStatus } }',
        variables: { o: practice, r: 'An app asked' },
      },
      { what: 'a mutation of only `__typename`', query: 'mutation { __typename }' },
      { what: 'a subscription of `me`', query: 'subscription { me { nhsNumber } }' },
    ])('$what', async ({ query, variables }) => {
      const registering = await s.as(Scenario.nhse, APPROVE, {
        o: [{ id: operationId(query), name: 'Written', type: 'query', body: query }],
      });
      expect(codes(registering)).toEqual(['BAD_USER_INPUT']);
      const token = await s.token(app);
      const free = await supergraph.reachedDuring(() => supergraph.graphql(token, query, variables));
      expect(free.response.status).toBe(400);
      expect(codes(free.response)).toEqual(['PERSISTED_QUERY_ID_REQUIRED']);
      expect(free.reached).toEqual({});
      const id = await writtenIntoList(query, 100 + (written += 1));
      const { response, reached } = await supergraph.reachedDuring(() => s.byId(app, id, variables));
      expect(response.status).toBe(403);
      // Exactly the refusal: no data, and nothing of the operation or its variables echoed.
      expect(response.body).toEqual({
        errors: [{ message: REFUSAL, extensions: { code: 'FORBIDDEN', requestId: response.requestId } }],
      });
      expect(reached).toEqual({ records: 1 }); // the list's lookup, nothing planned
    });

    it('the refused mutation changed nothing: the practice is still ENABLED', async () => {
      const data = await s.ok<{ practice: { accessStatus: string } }>(
        Scenario.clinician(practice),
        'query($o: ID!) { practice(odsCode: $o) { accessStatus } }',
        { o: practice },
      );
      expect(data.practice.accessStatus).toBe('ENABLED');
    });
  });

  describe('every other role is untouched', () => {
    it("a clinician's `practices` works, and reaches the practices subgraph", async () => {
      const { response, reached } = await sent(Scenario.clinician(practice), '{ practices { totalCount } }');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ data: { practices: { totalCount: 1 } } });
      expect(reached.practices).toBeGreaterThan(0);
    });

    it("an analyst's rolloutSummary works", async () => {
      const data = await s.ok<{ rolloutSummary: { total: number; enabled: number }[] }>(
        Scenario.analyst,
        '{ rolloutSummary { total enabled } }',
      );
      expect(data.rolloutSummary).toEqual([{ total: 1, enabled: 1 }]);
    });

    it('a patient reads `me` beside `__typename`', async () => {
      const data = await s.ok<{ __typename: string; me: { nhsNumber: string } }>(
        Scenario.patient(patient),
        '{ __typename me { nhsNumber } }',
      );
      expect(data).toEqual({ __typename: 'Query', me: { nhsNumber: patient } });
    });

    it('a patient asking for practices is refused by the subgraph, not with the app refusal', async () => {
      const { response, reached } = await sent(Scenario.patient(patient), '{ practices { totalCount } }');
      expect(messages(response)).not.toContain(REFUSAL);
      expect(reached.practices).toBeGreaterThan(0);
    });
  });
});
