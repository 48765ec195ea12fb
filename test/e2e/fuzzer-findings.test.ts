import { Scenario, codes } from '../helpers/scenario';
import { postGraphQL, startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * What the fuzzer (fuzz.test.ts) found, each kept as a plain regression test: requests that
 * reached an internal error or handed a subgraph the wrong input are now the client's
 * BAD_USER_INPUT, said by the gateway before any subgraph is called.
 */
describe('the fuzzer\u2019s findings, fixed', () => {
  let supergraph: Supergraph;
  let s: Scenario;

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: '2026-11-24T12:00:00.000Z', demoData: true });
    s = new Scenario(supergraph);
  });
  afterAll(() => supergraph.stop());

  async function refusedBeforeSubgraphs(role: Parameters<Scenario['token']>[0], body: Record<string, unknown>, message: RegExp) {
    const before = supergraph.subgraphRequests();
    const response = await postGraphQL(supergraph.url, { authorization: `Bearer ${await s.token(role)}` }, body);
    expect(response.status).toBe(400);
    expect(codes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors![0]!.message).toMatch(message);
    expect(supergraph.subgraphRequests()).toEqual(before);
  }

  it.each([
    ['an entity key', Scenario.patient('9990001375'), '{ me { nhsNumber: record { totalCount } } }'],
    ['a field another subgraph requires', Scenario.analyst, '{ practice(odsCode: "B84010") { supplier: name accessStatus } }'],
    ['a plain field', Scenario.patient('9990001375'), '{ me { nhsNumber: registeredAt onlineAccess { state } } }'],
    [
      'a field the gateway passes on',
      Scenario.patient('9990001375'),
      '{ me { registeredPractice { odsCode: name } record { totalCount } } }',
    ],
  ])('an alias that is the name of another field (%s) is refused', async (_name, role, query) => {
    await refusedBeforeSubgraphs(role, { query }, /alias may not be the name of another field/);
  });

  it('aliases that shadow nothing still work', async () => {
    expect(
      codes(await s.as(Scenario.patient('9990001375'), '{ me { id: nhsNumber entries: record { total: totalCount } } }')),
    ).toEqual([]);
  });

  it.each([
    ['several operations and no operationName', { query: 'query A { me { nhsNumber } } query B { me { nhsNumber } }' }],
    ['an operationName the document lacks', { query: '{ me { nhsNumber } }', operationName: 'Nope' }],
  ])('%s: BAD_USER_INPUT, not an internal error', async (_name, body) => {
    await refusedBeforeSubgraphs(Scenario.nhse, body, /Name the one operation/);
  });

  it('a subscription: BAD_USER_INPUT', async () => {
    await refusedBeforeSubgraphs(Scenario.patient('9990001375'), { query: 'subscription { me { nhsNumber } }' }, /not supported/);
  });

  it('a persisted-query hash: refused as not supported, not an internal error', async () => {
    const response = await postGraphQL(
      supergraph.url,
      { authorization: `Bearer ${await s.token(Scenario.analyst)}` },
      { query: '{ me { nhsNumber } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } },
    );
    expect(codes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.status).toBeLessThan(500);
  });

  it.each([
    [
      'a JSON-escaped NUL in a variable',
      {
        query:
          'mutation($r: String) { setOnlineAccessExclusion(nhsNumber: "9990001375", excluded: false, reason: $r) { nhsNumber } }',
        variables: { r: 'nul\u0000byte' },
      },
    ],
    [
      'a GraphQL-escaped NUL in the document',
      {
        query:
          'mutation { setOnlineAccessExclusion(nhsNumber: "9990001375", excluded: false, reason: "nul\\u0000byte") { nhsNumber } }',
      },
    ],
  ])('text holding NUL (%s) is BAD_USER_INPUT on every database, and nothing is written', async (_name, body) => {
    await refusedBeforeSubgraphs(Scenario.clinician('B84010'), body, /NUL character/);
  });

  it('a NUL in a GET query string is refused too', async () => {
    const token = await s.token(Scenario.analyst);
    const before = supergraph.subgraphRequests();
    const response = await fetch(
      `${supergraph.url}?query=${encodeURIComponent('{ practice(odsCode: "B\u000084010") { name } }')}`,
      {
        headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
      },
    );
    expect(response.status).toBe(400);
    expect(supergraph.subgraphRequests()).toEqual(before);
  });
});
