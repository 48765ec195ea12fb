import type { RolloutCounts } from '../../subgraphs/rollout/domain/rollout-figures';
import { RolloutStore } from '../../subgraphs/rollout/store/rollout-store';
import { deriveRolloutState } from '../../subgraphs/rollout/domain/rollout-state';
import { DEMO_PAUSED, DEMO_PAUSED_AFTER_ON, DEMO_SCHEDULED } from '../../subgraphs/demo-world/rollout-histories';
import { Scenario, codes } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * Rollout analytics through the gateway, on the demo world: counts per access state as of
 * any instant, grouped nationally, per ICB or per supplier. ICB and supplier belong to the
 * practices subgraph and states to the rollout subgraph: each figure is checked against a
 * count made directly from both databases, so the join across subgraphs cannot drift.
 */
describe('rollout analytics, through the gateway', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const NOW = '2026-11-24T12:00:00.000Z';
  const DAY = 86_400_000;
  const daysAgo = (days: number) => new Date(Date.parse(NOW) - days * DAY).toISOString();

  type Counts = RolloutCounts;
  const COUNTS = 'key label total notScheduled scheduled enabled paused';
  const SUMMARY = `query($g: RolloutGrouping!, $asOf: DateTime) { rolloutSummary(groupBy: $g, asOf: $asOf) { ${COUNTS} } }`;
  const TIMELINE = `query($from: DateTime!, $to: DateTime!, $i: TimelineInterval!, $g: RolloutGrouping!) {
    rolloutTimeline(from: $from, to: $to, interval: $i, groupBy: $g) { at counts { ${COUNTS} } } }`;

  const summary = async (groupBy: string, asOf?: string, role = Scenario.analyst) =>
    (await s.ok<{ rolloutSummary: Counts[] }>(role, SUMMARY, { g: groupBy, asOf })).rolloutSummary;

  /** The same figures counted straight from the two databases, without the API or its join. */
  async function directCount(groupBy: 'NATIONAL' | 'ICB' | 'SUPPLIER', asOf: string, supplier?: string): Promise<Counts[]> {
    const practices: { ods_code: string; supplier: string; icb_code: string; icb_name: string }[] =
      await supergraph.subgraphs.practices.database.dataSource.query(
        'SELECT p.ods_code, p.supplier, p.icb_code, i.name AS icb_name FROM practice p JOIN integrated_care_board i ON i.code = p.icb_code',
      );
    const histories = await new RolloutStore(supergraph.subgraphs.rollout.database.dataSource).histories(
      practices.map((p) => p.ods_code),
    );
    const groups = new Map<string, Counts>();
    for (const p of practices.filter((row) => !supplier || row.supplier === supplier)) {
      const [key, label] =
        groupBy === 'ICB' ? [p.icb_code, p.icb_name] : groupBy === 'SUPPLIER' ? [p.supplier, ''] : ['ENGLAND', ''];
      const counts = groups.get(key) ?? { key, label, total: 0, notScheduled: 0, scheduled: 0, enabled: 0, paused: 0 };
      groups.set(key, counts);
      counts.total += 1;
      const status = deriveRolloutState(histories.get(p.ods_code) ?? [], new Date(asOf)).status;
      counts[
        ({ NOT_SCHEDULED: 'notScheduled', SCHEDULED: 'scheduled', ENABLED: 'enabled', PAUSED: 'paused' } as const)[status]
      ] += 1;
    }
    return [...groups.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
  }
  const withoutLabels = (counts: Counts[]) => counts.map(({ label: _label, ...rest }) => rest);

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: NOW, demoData: true });
    s = new Scenario(supergraph);
  });
  afterAll(() => supergraph.stop());
  beforeEach(() => s.at(NOW));

  describe('rolloutSummary', () => {
    it.each(['NATIONAL', 'ICB', 'SUPPLIER'] as const)(
      'grouped %s, equals a direct count over both databases, now and in the past',
      async (groupBy) => {
        for (const asOf of [NOW, daysAgo(365), '2023-02-01T00:00:00.000Z', '2022-10-31T23:59:59.999Z']) {
          expect(withoutLabels(await summary(groupBy, asOf))).toEqual(withoutLabels(await directCount(groupBy, asOf)));
        }
      },
    );

    it('names each group for people: England, the ICB, the supplier', async () => {
      expect((await summary('NATIONAL'))[0]).toMatchObject({ key: 'ENGLAND', label: 'England', total: 48 });
      expect((await summary('ICB')).find((c) => c.key === 'QWO')?.label).toBe('NHS West Yorkshire Integrated Care Board');
      expect((await summary('SUPPLIER')).find((c) => c.key === 'TPP')?.label).toBe('TPP (SystmOne)');
    });

    it('follows the demo rollout: all NOT_SCHEDULED before the first notices, EMIS on from 1 November 2022', async () => {
      const [before] = await summary('NATIONAL', '2022-09-01T00:00:00.000Z');
      expect(before).toMatchObject({ total: 48, notScheduled: 48, enabled: 0 });
      const emis = (asOf: string) => summary('SUPPLIER', asOf).then((all) => all.find((c) => c.key === 'EMIS')!);
      expect((await emis('2022-10-31T23:59:59.999Z')).enabled).toBe(0);
      expect((await emis('2022-11-01T00:00:00.000Z')).enabled).toBeGreaterThan(0);
    });

    it('past figures never change when today\u2019s state does; today\u2019s do', async () => {
      const pastBefore = await summary('ICB', daysAgo(30));
      const nowBefore = await summary('NATIONAL');
      await s.pause(DEMO_SCHEDULED.odsCode, 'Clinical safety review', DEMO_SCHEDULED.supplier);
      expect(await summary('ICB', daysAgo(30))).toEqual(pastBefore);
      const [nowAfter] = await summary('NATIONAL');
      expect(nowAfter).toEqual({ ...nowBefore[0], scheduled: nowBefore[0]!.scheduled - 1, paused: nowBefore[0]!.paused + 1 });
      await s.resume(DEMO_SCHEDULED.odsCode, new Date(Date.parse(NOW) + 21 * DAY).toISOString(), DEMO_SCHEDULED.supplier);
    });

    it('a practice moved to another ICB is counted there at once: no copy to drift', async () => {
      const icbOf = async (code: string) => (await summary('ICB')).find((c) => c.key === code)!.total;
      const [qwoBefore, qf7Before] = [await icbOf('QWO'), await icbOf('QF7')];
      const moving = 'B84001';
      const { practice } = await s.ok<{ practice: { name: string; postcode: string; supplier: string } }>(
        Scenario.nhse,
        `{ practice(odsCode: "${moving}") { name postcode supplier } }`,
      );
      await s.ok(Scenario.nhse, `mutation($i: PracticeInput!) { upsertPractice(input: $i) { odsCode } }`, {
        i: { odsCode: moving, ...practice, icbCode: 'QF7', icbName: 'NHS South Yorkshire Integrated Care Board' },
      });
      expect([await icbOf('QWO'), await icbOf('QF7')]).toEqual([qwoBefore - 1, qf7Before + 1]);
      expect(withoutLabels(await summary('ICB'))).toEqual(withoutLabels(await directCount('ICB', NOW)));
    });

    it('a supplier gets figures for its own practices only', async () => {
      const [own] = await summary('NATIONAL', undefined, Scenario.supplier('EMIS'));
      expect(own).toMatchObject({ key: 'ENGLAND', label: 'England: EMIS Health (EMIS Web) practices' });
      expect(withoutLabels([own!])).toEqual(withoutLabels(await directCount('NATIONAL', NOW, 'EMIS')));
      expect((await summary('SUPPLIER', undefined, Scenario.supplier('EMIS'))).map((c) => c.key)).toEqual(['EMIS']);
    });

    // An app runs only its registered operations, and none of these could be registered (queries of `me` only).
    it.each([
      ['a clinician', Scenario.clinician('B84001'), 'FORBIDDEN'],
      ['a patient', Scenario.patient('9990001375'), 'FORBIDDEN'],
      [
        'an app',
        { role: 'app', clientId: 'demo-app', nhsNumber: '9990001375', scope: 'record:read' },
        'PERSISTED_QUERY_NOT_IN_LIST',
      ],
    ])('%s may not read rollout figures', async (_name, role, code) => {
      for (const query of [
        SUMMARY,
        `{ pausedPractices { totalCount } }`,
        `{ upcomingSwitchOns { odsCode } }`,
        `{ rolloutTimeline(from: "2026-01-01T00:00:00.000Z", to: "2026-02-01T00:00:00.000Z") { at } }`,
      ]) {
        const response = await s.as(role, query, { g: 'NATIONAL' });
        expect(codes(response)).toEqual([code]);
        expect(response.body.data ?? null).toBeNull(); // an app is refused by the gateway itself: no data at all
      }
      // Refused before its arguments are looked at.
      expect(codes(await s.as(role, SUMMARY, { g: 'NATIONAL', asOf: '2999-01-01T00:00:00.000Z' }))).toEqual([code]);
    });

    it('refuses an instant in the future, beyond a minute of clock skew', async () => {
      const response = await s.as(Scenario.analyst, SUMMARY, { g: 'NATIONAL', asOf: '2026-11-24T12:01:00.001Z' });
      expect(codes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.errors![0]!.message).toMatch(/asOf is in the future/);
      await s.ok(Scenario.analyst, SUMMARY, { g: 'NATIONAL', asOf: '2026-11-24T12:01:00.000Z' });
    });
  });

  it('costs one SQL statement in each subgraph, whatever the grouping or the number of points', async () => {
    const counted = async (query: string, variables: Record<string, unknown>) => {
      const [practices, rollout] = [
        supergraph.subgraphs.practices.database.statements,
        supergraph.subgraphs.rollout.database.statements,
      ];
      const before = [practices.count, rollout.count];
      await s.ok(Scenario.analyst, query, variables);
      return [practices.count - before[0]!, rollout.count - before[1]!];
    };
    expect(await counted(SUMMARY, { g: 'ICB' })).toEqual([1, 1]);
    expect(await counted(TIMELINE, { from: daysAgo(364), to: NOW, i: 'WEEK', g: 'SUPPLIER' })).toEqual([1, 1]);
    expect(await counted(TIMELINE, { from: daysAgo(900), to: NOW, i: 'DAY', g: 'NATIONAL' })).toEqual([1, 1]);
  });

  describe('rolloutTimeline', () => {
    // A year of weekly ICB figures with every field costs 15,689, over the limit (decision 0035): half a year.
    it('gives 27 weekly points over half a year, each equal to the summary as of its instant', async () => {
      const from = daysAgo(182);
      const { rolloutTimeline } = await s.ok<{ rolloutTimeline: { at: string; counts: Counts[] }[] }>(
        Scenario.analyst,
        TIMELINE,
        {
          from,
          to: NOW,
          i: 'WEEK',
          g: 'ICB',
        },
      );
      expect(rolloutTimeline).toHaveLength(27);
      expect(rolloutTimeline[0]!.at).toBe(from);
      expect(rolloutTimeline[26]!.at).toBe(NOW);
      for (const point of [rolloutTimeline[0]!, rolloutTimeline[13]!, rolloutTimeline[26]!]) {
        expect(point.counts).toEqual(await summary('ICB', point.at));
      }
    });

    it('gives a point a day, through a transition: the day EMIS practices switched on', async () => {
      const { rolloutTimeline } = await s.ok<{ rolloutTimeline: { at: string; counts: Counts[] }[] }>(
        Scenario.analyst,
        TIMELINE,
        {
          from: '2022-10-30T00:00:00.000Z',
          to: '2022-11-02T00:00:00.000Z',
          i: 'DAY',
          g: 'SUPPLIER',
        },
      );
      const emisEnabled = rolloutTimeline.map((p) => p.counts.find((c) => c.key === 'EMIS')!.enabled);
      expect(emisEnabled[0]).toBe(0);
      expect(emisEnabled[1]).toBe(0);
      expect(emisEnabled[2]).toBeGreaterThan(0); // 1 November 2022, 00:00 UTC: the first practice
      expect(emisEnabled[3]).toBeGreaterThan(emisEnabled[2]!); // the 07:00 wave of that day
      for (const point of rolloutTimeline) {
        expect(withoutLabels(point.counts)).toEqual(withoutLabels(await directCount('SUPPLIER', point.at)));
      }
    });

    it.each([
      ['`to` before `from`', { from: NOW, to: daysAgo(1) }, /from must not be after to/],
      ['`to` in the future', { from: daysAgo(7), to: '2026-12-01T00:00:00.000Z' }, /to is in the future/],
      ['more than 1,000 points', { from: daysAgo(1001), to: NOW, i: 'DAY' }, /at most 1000 points/],
    ])('refuses %s', async (_name, variables, message) => {
      const response = await s.as(Scenario.analyst, TIMELINE, { i: 'WEEK', g: 'NATIONAL', ...variables });
      expect(codes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.errors![0]!.message).toMatch(message);
    });
  });

  describe('pausedPractices and upcomingSwitchOns', () => {
    const PAUSED = `query($first: Int, $after: String, $icb: ID, $supplier: GpSystemSupplier) {
      pausedPractices(first: $first, after: $after, icbCode: $icb, supplier: $supplier) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { odsCode name supplier icb { code } accessStatus currentPause { reason since actorRole actor } } }
      } }`;
    type PausedPage = {
      pausedPractices: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        edges: {
          node: {
            odsCode: string;
            icb: { code: string };
            supplier: string;
            accessStatus: string;
            currentPause: { since: string; reason: string; actorRole: string; actor: string };
          };
        }[];
      };
    };

    it('lists the practices paused now, longest-paused first, with why, since when and who asked', async () => {
      const { pausedPractices } = await s.ok<PausedPage>(Scenario.analyst, PAUSED, { first: 200 });
      const nodes = pausedPractices.edges.map((e) => e.node);
      expect(pausedPractices.totalCount).toBe(nodes.length);
      expect(nodes.every((n) => n.accessStatus === 'PAUSED')).toBe(true);
      const since = nodes.map((n) => n.currentPause.since);
      expect([...since].sort()).toEqual(since);
      expect(nodes.find((n) => n.odsCode === DEMO_PAUSED.odsCode)?.currentPause).toEqual({
        reason: "The practice's data protection impact assessment is not complete",
        since: '2022-10-20T14:30:00.000Z',
        actorRole: 'clinician',
        actor: `${DEMO_PAUSED.odsCode}:practice-manager`,
      });
      expect(nodes.map((n) => n.odsCode)).toContain(DEMO_PAUSED_AFTER_ON.odsCode);
      // Exactly the practices a direct count finds paused.
      const [direct] = await directCount('NATIONAL', NOW);
      expect(nodes).toHaveLength(direct!.paused);
    });

    it('pages through every paused practice exactly once, and filters by ICB and supplier', async () => {
      const all = (await s.ok<PausedPage>(Scenario.analyst, PAUSED, { first: 200 })).pausedPractices.edges.map(
        (e) => e.node.odsCode,
      );
      const paged: string[] = [];
      let after: string | null = null;
      do {
        const page: PausedPage = await s.ok<PausedPage>(Scenario.analyst, PAUSED, { first: 2, after });
        paged.push(...page.pausedPractices.edges.map((e) => e.node.odsCode));
        after = page.pausedPractices.pageInfo.hasNextPage ? page.pausedPractices.pageInfo.endCursor : null;
      } while (after);
      expect(paged).toEqual(all);

      const qwo = (await s.ok<PausedPage>(Scenario.analyst, PAUSED, { icb: 'QWO' })).pausedPractices;
      expect(qwo.edges.every((e) => e.node.icb.code === 'QWO')).toBe(true);
      expect(qwo.totalCount).toBeGreaterThan(0);
      const emis = (await s.ok<PausedPage>(Scenario.supplier('EMIS'), PAUSED, {})).pausedPractices;
      expect(emis.edges.every((e) => e.node.supplier === 'EMIS')).toBe(true);
      expect(codes(await s.as(Scenario.supplier('EMIS'), PAUSED, { supplier: 'TPP' }))).toEqual(['FORBIDDEN']);
    });

    it.each([
      [{ first: 0 }, /first must be between 1 and 200/],
      [{ after: 'not-a-cursor' }, /after is not a cursor/],
      [{ icb: 'XX' }, /ICB code must be three characters/],
    ])('refuses bad arguments: %j', async (variables, message) => {
      const response = await s.as(Scenario.analyst, PAUSED, variables);
      expect(codes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.errors![0]!.message).toMatch(message);
    });

    it('lists the switch-ons planned within the coming days, soonest first', async () => {
      const UPCOMING = `query($d: Int!) { upcomingSwitchOns(withinDays: $d) { odsCode plannedSwitchOnAt } }`;
      const within = async (days: number) =>
        (
          await s.ok<{ upcomingSwitchOns: { odsCode: string; plannedSwitchOnAt: string }[] }>(Scenario.analyst, UPCOMING, {
            d: days,
          })
        ).upcomingSwitchOns;
      expect((await within(20)).map((p) => p.odsCode)).not.toContain(DEMO_SCHEDULED.odsCode);
      const month = await within(30);
      expect(month.map((p) => p.odsCode)).toContain(DEMO_SCHEDULED.odsCode);
      const planned = month.map((p) => p.plannedSwitchOnAt);
      expect([...planned].sort()).toEqual(planned);
      expect(codes(await s.as(Scenario.analyst, UPCOMING, { d: 0 }))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await s.as(Scenario.analyst, UPCOMING, { d: 367 }))).toEqual(['BAD_USER_INPUT']);
    });
  });

  describe('when a subgraph is down', () => {
    it('the figures fail with an error rather than count half the data', async () => {
      const other = await startSupergraph({ now: NOW, demoData: true });
      try {
        await other.stopSubgraph('practices');
        const t = new Scenario(other);
        const response = await t.as(Scenario.analyst, SUMMARY, { g: 'ICB' });
        expect(response.body.data).toBeNull();
        // A subgraph that is down passes with time: "try again shortly" (decision 0091), never half the figures.
        expect(codes(response)).toEqual(['SERVICE_UNAVAILABLE']);
        expect(JSON.stringify(response.body)).not.toMatch(/127\.0\.0\.1|practices subgraph|ECONNREFUSED/);
      } finally {
        await other.stop();
      }
    });
  });
});
