import type { TokenRequest } from '../../gateway/token-claims';
import { Scenario } from '../helpers/scenario';
import { startSupergraph, type GraphQLResponse, type Supergraph } from '../helpers/supergraph';

/**
 * The cost counts what a field really returns (finding 2 and 3 of the security issue): the
 * attack shapes that once passed at a cost of a few hundred are refused at the gateway, before
 * any subgraph is called, and the ready operations of the same kind still pass.
 */
describe('the cost counts what a field really returns', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const practice = 'A81010';
  const nhsNumber = '9990001375';
  const many = (n: number, each: (i: number) => string) => Array.from({ length: n }, (_, i) => each(i)).join(' ');
  const messages = (response: GraphQLResponse) => (response.body.errors ?? []).map((error) => error.message);
  const codesOf = (response: GraphQLResponse) => [...new Set((response.body.errors ?? []).map((e) => e.extensions?.code))];
  const COST_REFUSAL = /^Query cost \d+ exceeds the limit of 10000$/;

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: '2024-01-15T12:00:00.000Z' });
    s = new Scenario(supergraph);
    await s.createPractice(practice);
    await s.registerPatient(practice, nhsNumber);
  }, 60_000);

  afterAll(() => supergraph?.stop());

  const sent = (who: TokenRequest, query: string, variables?: Record<string, unknown>) =>
    supergraph.reachedDuring(() => s.as(who, query, variables));

  const timeline = (alias: string, days: number, interval = 'DAY', groupBy = 'ICB') => {
    const from = new Date(Date.parse('2024-01-01T00:00:00.000Z') - days * 86_400_000).toISOString();
    return `${alias}: rolloutTimeline(from: "${from}", to: "2024-01-01T00:00:00.000Z", interval: ${interval}, groupBy: ${groupBy}) { at counts { key label total enabled paused } }`;
  };

  it.each<{ attack: string; who: TokenRequest; query: string; variables?: Record<string, unknown> }>([
    {
      attack: '20 aliases of a 995-day timeline by ICB (once cost 200)',
      who: Scenario.analyst,
      query: `{ ${many(20, (i) => timeline(`t${i}`, 994))} }`,
    },
    { attack: 'one 995-day timeline by ICB', who: Scenario.analyst, query: `{ ${timeline('t', 994)} }` },
    {
      attack: 'a wave of 5,000 codes twenty times',
      who: Scenario.nhse,
      query: `mutation($codes: [ID!]!) { ${many(
        20,
        (i) =>
          `w${i}: scheduleSwitchOnWave(odsCodes: $codes, at: "2024-03-01T07:00:00.000Z") { skipped { odsCode reason kind } }`,
      )} }`,
      variables: { codes: Array.from({ length: 5000 }, (_, i) => `Q${String(i).padStart(5, '0')}`) },
    },
    {
      attack: '19 aliases of clinicalRecord(first: 100) { body } (once cost 5,720)',
      who: Scenario.clinician(practice),
      query: `{ patient(nhsNumber: "${nhsNumber}") { ${many(19, (i) => `c${i}: clinicalRecord(first: 100) { edges { node { body } } }`)} } }`,
    },
    {
      attack: 'two pages of 100 bodies',
      who: Scenario.clinician(practice),
      query: `{ patient(nhsNumber: "${nhsNumber}") { a: clinicalRecord(first: 100) { edges { node { body } } } b: clinicalRecord(first: 100) { edges { node { body } } } } }`,
    },
  ])('$attack is refused with BAD_USER_INPUT (400) before any subgraph is called', async ({ who, query, variables }) => {
    const { response, reached } = await sent(who, query, variables);
    expect(response.status).toBe(400);
    expect(codesOf(response)).toEqual(['BAD_USER_INPUT']);
    expect(messages(response)).toHaveLength(1);
    expect(messages(response)[0]).toMatch(COST_REFUSAL);
    expect(reached).toEqual({});
  });

  it.each<{ what: string; who: TokenRequest; query: string; reaches: string }>([
    {
      what: 'a 39-week timeline by ICB (the ready weekly-timeline-by-icb operation)',
      who: Scenario.analyst,
      query: `{ ${timeline('t', 38 * 7, 'WEEK')} }`,
      reaches: 'rollout',
    },
    {
      what: 'a 995-day national timeline',
      who: Scenario.analyst,
      query: `{ ${timeline('t', 994, 'DAY', 'NATIONAL')} }`,
      reaches: 'rollout',
    },
    {
      what: 'one page of 100 bodies',
      who: Scenario.clinician(practice),
      query: `{ patient(nhsNumber: "${nhsNumber}") { clinicalRecord(first: 100) { edges { node { title body } } } } }`,
      reaches: 'records',
    },
    {
      what: "a patient's first page of 20 entries",
      who: Scenario.patient(nhsNumber),
      query: '{ me { record(first: 20) { totalCount edges { node { type title body availableAt } } } } }',
      reaches: 'records',
    },
  ])('$what passes', async ({ who, query, reaches }) => {
    const { response, reached } = await sent(who, query);
    expect(response.body.errors ?? []).toEqual([]);
    expect(response.status).toBe(200);
    expect(reached[reaches]).toBeGreaterThan(0);
  });
});
