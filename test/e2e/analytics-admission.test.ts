import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BULKHEAD_LIMITS, type BulkheadLimits } from '../../gateway/bulkheads';
import { heaviest } from '../helpers/analyst-load';
import { eventually } from '../helpers/eventually';
import { expectOverloaded, Scenario } from '../helpers/scenario';
import { postGraphQL, startSupergraph, type GraphQLResponse, type Supergraph } from '../helpers/supergraph';

/**
 * Analysts' operations are admitted once their cost is known (decision 0092), through the
 * gateway over real HTTP: light ones (the ready ICB summary and 52-week timeline) run side by
 * side, heavy ones (the heaviest the cost limit allows) one at a time with a bounded queue, and
 * every path gives its slot back. What runs at once is read from the gateway's own figures
 * (gateway_bulkhead_in_use / _queued by lane) and from the requests the rollout subgraph receives
 * while a fault proxy holds them: signals, never timings.
 */
const operation = (file: string) => readFileSync(join(__dirname, '..', '..', 'schema', 'operations', 'analyst', file), 'utf8');
const SUMMARY_BY_ICB = operation('summary-by-icb.graphql');
const WEEKLY_TIMELINE = operation('weekly-timeline.graphql');
// The instant the heaviest operations count back from (analyst-load.ts); 52 weeks to it, as the bench asks.
const NOW = '2024-06-01T09:00:00.000Z';
const FIFTY_TWO_WEEKS = { from: '2023-06-03T09:00:00.000Z', to: NOW };
const LIGHT: [string, Record<string, unknown>?][] = [
  [SUMMARY_BY_ICB],
  [WEEKLY_TIMELINE, FIFTY_TWO_WEEKS],
  [SUMMARY_BY_ICB],
  [WEEKLY_TIMELINE, FIFTY_TWO_WEEKS],
];
const HEAVY_QUEUE = 2;
const LIMITS: BulkheadLimits = {
  ...BULKHEAD_LIMITS,
  // Waits long enough that nothing here runs out while the test holds the first.
  analytics: { concurrent: 1, queued: HEAVY_QUEUE, waitMs: 30_000 },
  analyticsLight: { ...BULKHEAD_LIMITS.analyticsLight, waitMs: 30_000 },
};

const codes = (response: GraphQLResponse) => (response.body.errors ?? []).map((error) => error.extensions?.code);

describe("analysts' operations admitted by their cost", () => {
  let supergraph: Supergraph;
  let token: string;

  /** Operations running (`in_use`) or waiting (`queued`) in one of the gateway's lanes. */
  const lane = async (name: string) => {
    const read = async (metric: string) => {
      const values = (await supergraph.gateway.metrics.getSingleMetric(metric)!.get()).values;
      return values.find((value) => value.labels.lane === name)?.value ?? 0;
    };
    return { inUse: await read('gateway_bulkhead_in_use'), queued: await read('gateway_bulkhead_queued') };
  };
  const allFree = () =>
    eventually(
      async () => {
        for (const name of ['analytics-light', 'analytics-heavy']) {
          const { inUse, queued } = await lane(name);
          if (inUse !== 0 || queued !== 0) return false;
        }
        return true;
      },
      10_000,
      10,
    );
  const ask = (query: string, variables?: Record<string, unknown>, signal?: AbortSignal) =>
    signal
      ? fetch(supergraph.url, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables }),
          signal,
        })
      : postGraphQL(supergraph.url, { authorization: `Bearer ${token}` }, { query, variables });
  /** Sends the four light operations while rollout holds its answers; resolves once all four are at rollout together. */
  const fourLightAtRollout = async () => {
    const rollout = supergraph.faults.rollout!;
    const before = rollout.received;
    rollout.set({ kind: 'hold' });
    const answers = Promise.all(LIGHT.map(([query, variables]) => ask(query, variables) as Promise<GraphQLResponse>));
    // Under one slot only the first would get there.
    await eventually(
      async () => rollout.received - before >= LIGHT.length && (await lane('analytics-light')).inUse === LIGHT.length,
      10_000,
      10,
    );
    return { answers };
  };

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: NOW, bulkheads: LIMITS, faultProxies: ['rollout'] });
    token = await new Scenario(supergraph).token(Scenario.analyst);
  }, 60_000);
  afterAll(() => supergraph?.stop());
  afterEach(() => supergraph.faults.rollout!.set({ kind: 'pass' }));

  it('the ready operations, at their bench arguments, run side by side: four reach rollout at once', async () => {
    const rollout = supergraph.faults.rollout!;
    // All four in the light lane and at rollout together.
    const { answers } = await fourLightAtRollout();
    expect(await lane('analytics-heavy')).toEqual({ inUse: 0, queued: 0 });

    rollout.set({ kind: 'pass' });
    for (const answer of await answers) expect(codes(answer)).not.toContain('OVERLOADED');
    await allFree();
    // Once rollout answers, they answer: no error at all.
    for (const [query, variables] of LIGHT) expect(codes((await ask(query, variables)) as GraphQLResponse)).toEqual([]);
  }, 30_000);

  it('heavy operations run one at a time; a full heavy queue answers OVERLOADED; light ones pass beside them', async () => {
    const rollout = supergraph.faults.rollout!;
    const before = rollout.received;
    rollout.set({ kind: 'hold' });
    const first = ask(heaviest(0)) as Promise<GraphQLResponse>;
    await eventually(async () => rollout.received - before === 1 && (await lane('analytics-heavy')).inUse === 1, 10_000, 10);

    const queued = [1, 2].map((k) => ask(heaviest(k)) as Promise<GraphQLResponse>);
    await eventually(async () => (await lane('analytics-heavy')).queued === HEAVY_QUEUE, 10_000, 10);
    // Both wait in the gateway: neither has reached rollout.
    expect(rollout.received - before).toBe(1);
    expect((await lane('analytics-heavy')).inUse).toBe(1);

    const refused = (await ask(heaviest(3), undefined, AbortSignal.timeout(10_000))) as Response;
    await expectOverloaded(refused);

    // A light one is not stuck behind them: it reaches rollout while the heavy lane is full.
    const light = ask(SUMMARY_BY_ICB) as Promise<GraphQLResponse>;
    await eventually(async () => rollout.received - before === 2 && (await lane('analytics-light')).inUse === 1, 10_000, 10);

    rollout.set({ kind: 'pass' });
    for (const answer of [await first, ...(await Promise.all(queued)), await light]) {
      expect(codes(answer)).not.toContain('OVERLOADED');
    }
    await allFree();
  }, 30_000);

  it('gives every slot back: after failed calls, a refused cost, a refused document and an aborted client', async () => {
    const rollout = supergraph.faults.rollout!;
    // Over the cost limit, and not a valid document: refused before any lane is asked, so more
    // of them than the heavy lane and its queue hold are all refused for what they are.
    const tooCostly = `{ rolloutTimeline(from: "2022-01-01T00:00:00.000Z", to: "2024-04-01T00:00:00.000Z", interval: DAY, groupBy: ICB) { at counts { key total } } }`;
    const refusals = await Promise.all(
      Array.from(
        { length: HEAVY_QUEUE + 3 },
        (_, i) => ask(i % 2 ? tooCostly : '{ rolloutSummary { nope } }') as Promise<GraphQLResponse>,
      ),
    );
    for (const answer of refusals) {
      expect(answer.status).toBe(400);
      expect(codes(answer)).not.toContain('OVERLOADED');
    }
    await allFree();

    // A client that gives up while its operation holds the heavy slot: the slot comes back when the operation ends.
    const before = rollout.received;
    rollout.set({ kind: 'hold' });
    const client = new AbortController();
    const abandoned = (ask(heaviest(4), undefined, client.signal) as Promise<Response>).catch((error: unknown) => error);
    await eventually(async () => rollout.received - before === 1 && (await lane('analytics-heavy')).inUse === 1, 10_000, 10);
    client.abort();
    expect(await abandoned).toMatchObject({ name: 'AbortError' });
    rollout.set({ kind: 'pass' });
    await allFree();

    // Failed calls to rollout (every one answered 500): the operations end in errors.
    rollout.set({ kind: 'status', status: 500 });
    const failed = await Promise.all(
      [...LIGHT, [heaviest(0)] as [string]].map(([q, v]) => ask(q, v) as Promise<GraphQLResponse>),
    );
    for (const answer of failed) expect(answer.body.errors?.length).toBeGreaterThan(0);
    await allFree();
    rollout.set({ kind: 'pass' });
    // Those failures opened the analysts' circuit to rollout (signed-fetcher.ts): past its 10 s.
    supergraph.clock.advance(11_000);

    // Nothing was kept: the heavy slot and all four light ones are there to be had again.
    expect(codes((await ask(heaviest(5))) as GraphQLResponse)).toEqual([]);
    const { answers } = await fourLightAtRollout();
    rollout.set({ kind: 'pass' });
    await answers;
    await allFree();
  }, 30_000);
});
