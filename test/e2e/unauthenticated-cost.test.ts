import { countReceivedRequests } from '../helpers/received-requests';
import { postHuge } from '../helpers/huge-body';
import { readiness } from '../helpers/eventually';
import { Scenario } from '../helpers/scenario';
import { anyRequestId, startSupergraph, type Supergraph } from '../helpers/supergraph';

const KB = 1024;
const MB = 1024 * KB;
const UNAUTHENTICATED = {
  errors: [
    { message: 'Sign in: a valid bearer token is required', extensions: { code: 'UNAUTHENTICATED', requestId: anyRequestId() } },
  ],
};

/**
 * Finding 10: a request without a valid token costs the gateway no reading or parsing, and
 * /readyz, which anyone may ask, costs the subgraphs nothing per call.
 */
describe('unauthenticated requests cost no work', () => {
  let supergraph: Supergraph;

  beforeAll(async () => {
    // A refresh far slower than this file: every /readyz below is answered from the state probed at start.
    supergraph = await startSupergraph({ readinessIntervalMs: 60_000 });
  }, 60_000);
  afterAll(() => supergraph?.stop());

  /** A 900 KB JSON body of nested lists, under the 1 MB body limit: costly to parse. */
  const nested = Buffer.from(
    JSON.stringify({
      query: '{ __typename }',
      variables: { v: JSON.parse(`${'['.repeat(50)}${'0'}${']'.repeat(50)}`) },
      padding: '[]'.repeat(450 * KB),
    }),
  );

  it.each<[string, Record<string, string>]>([
    ['no token', {}],
    ['a malformed token', { authorization: 'Bearer not.a.token' }],
    [
      'a token signed by nobody we trust',
      { authorization: `Bearer eyJhbGciOiJFUzI1NiJ9.${Buffer.from('{"sub":"x"}').toString('base64url')}.AAAA` },
    ],
  ])('a 900 KB body with %s: 401 UNAUTHENTICATED before the gateway has read it', async (_case, authorization) => {
    const answer = await postHuge(supergraph.url, { 'content-type': 'application/json', ...authorization }, nested);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text)).toEqual(UNAUTHENTICATED);
    expect(answer.serverRead).toBeGreaterThan(0);
    expect(answer.serverRead).toBeLessThan(nested.length / 2);
  });

  it('a 19 MB body without a token: 401 (not 413), the gateway having read under 1 MB', async () => {
    const answer = await postHuge(supergraph.url, { 'content-type': 'application/json' }, 19 * MB);
    expect(answer.status).toBe(401);
    expect(answer.serverRead).toBeLessThan(MB);
  });

  it('with a valid token the same body is read and answered as before (so the refusals above can fail)', async () => {
    const token = await supergraph.token(Scenario.nhse);
    const answer = await postHuge(
      supergraph.url,
      { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      nested,
    );
    expect(answer.status).toBe(200);
    expect(answer.serverRead).toBeGreaterThan(nested.length);
  });

  it('CSRF prevention still answers first without a token (400), and a PUT is still 401 as before', async () => {
    const csrf = await fetch(supergraph.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(csrf.status).toBe(400);
    expect(JSON.stringify(await csrf.json())).toMatch(/Cross-Site Request Forgery/);
    const put = await fetch(supergraph.url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(put.status).toBe(401);
  });

  it('a hundred /readyz calls reach no subgraph: the answer comes from the state refreshed in the background', async () => {
    const { practices, rollout, records } = supergraph.subgraphs;
    expect((await readiness(supergraph.url)).status).toBe(200);
    const probes = countReceivedRequests(
      { practices: practices.port, rollout: rollout.port, records: records.port },
      { paths: ['/readyz'] },
    );
    try {
      const answers = await Promise.all(Array.from({ length: 100 }, () => readiness(supergraph.url)));
      expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
      expect(answers[0]!.body).toMatchObject({ ready: true, subgraphs: { practices: true, rollout: true, records: true } });
      expect(probes.counts()).toEqual({ practices: 0, rollout: 0, records: 0 });
    } finally {
      probes.stop();
    }
  });
});
