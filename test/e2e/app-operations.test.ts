import type { TokenRequest } from '../../gateway/token-claims';
import { Scenario } from '../helpers/scenario';
import { startSupergraph, type GraphQLResponse, type Supergraph } from '../helpers/supergraph';

/**
 * An app token reads only `me`, the patient view. The gateway refuses anything else before
 * it plans the query, so no subgraph receives the request; every other role passes as before.
 */
describe('an app token may use only `me`, refused at the gateway', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const practice = 'A81010';
  const patient = '9990001375';
  const otherPatient = '9990002746';
  const app: TokenRequest = { role: 'app', clientId: 'some-app', nhsNumber: patient, scope: 'record:read' };
  const REFUSAL = 'An app token may only read `me` (the patient view)';

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: '2023-01-01T09:00:00.000Z' });
    s = new Scenario(supergraph);
    await s.createPractice(practice);
    await s.switchOn(practice);
    await s.registerPatient(practice, patient);
    await s.registerPatient(practice, otherPatient);
  }, 60_000);

  afterAll(() => supergraph?.stop());

  /** Sends the request and reports which subgraphs received how many HTTP requests meanwhile. */
  const sent = (request: TokenRequest, query: string, variables?: Record<string, unknown>) =>
    supergraph.reachedDuring(() => s.as(request, query, variables));

  const messages = (response: GraphQLResponse) => (response.body.errors ?? []).map((error) => error.message);

  describe('`me` passes the gateway', () => {
    it.each([
      ['`me`', '{ me { nhsNumber } }'],
      ['`me` under aliases, with `__typename`', '{ mine: me { nhsNumber } again: me { onlineAccess { state } } __typename }'],
      ['`me` through a fragment', 'query Mine { ...Me } fragment Me on Query { me { nhsNumber } }'],
    ])('%s is not refused by the gateway and reaches the records subgraph', async (_case, query) => {
      const { response, reached } = await sent(app, query);
      // The records subgraph may still refuse the app (its approval); the gateway does not.
      expect(messages(response)).not.toContain(REFUSAL);
      expect(response.status).toBe(200);
      expect(reached.records).toBeGreaterThan(0);
    });
  });

  describe('anything else is FORBIDDEN with HTTP 403, and no subgraph receives the request', () => {
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
      const { response, reached } = await sent(app, query, variables);
      expect(response.status).toBe(403);
      // Exactly the refusal: no data, and nothing of the operation or its variables echoed.
      expect(response.body).toEqual({
        errors: [{ message: REFUSAL, extensions: { code: 'FORBIDDEN', requestId: response.requestId } }],
      });
      expect(reached).toEqual({});
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
