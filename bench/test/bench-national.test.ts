import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nationalBench } from '../national';
import { benchSettings } from '../bench-settings';
import { OTHER_GATEWAYS } from '../other-gateway';
import { databaseKind, TEST_DATABASE_URL } from '../../test/helpers/database';

/**
 * `npm run bench` end to end at a tiny size and one second a scenario: every scenario ran and
 * was answered without an error or a wrong answer, each gateway's answers were judged, the
 * results were written, and what a request costs is what the product promises (a patient's
 * first page costs the same SQL statements whatever the size of their record). The figures of
 * a run this short mean nothing; that the bench still runs, and checks what it measures, does.
 * The SQLite run is the SQLite pass's; the PostgreSQL pass runs the bench on PostgreSQL
 * (BENCH_DATABASE=postgres), in databases of its own on the TEST_DATABASE_URL server.
 */
jest.setTimeout(240_000);

const onSqlite = databaseKind === 'sqlite' ? describe : describe.skip;
const onPostgres = databaseKind === 'postgres' ? describe : describe.skip;

onSqlite('npm run bench', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cas-bench-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every scenario through both gateways and the records subgraph, checked, and writes the results', async () => {
    const tiny = { preset: 'small' as const, practices: 300, patients: 300, quiet: true };
    const results = await nationalBench({
      settings: { ...benchSettings({}), seconds: 1, rounds: 2, warmupSeconds: 0, connections: 4, capacityConnections: 8 },
      dataset: { ...tiny, entries: 20_000, dir: join(dir, 'data-large') },
      comparedWith: { ...tiny, entries: 15_000, dir: join(dir, 'data-small') },
      resultsDir: join(dir, 'results'),
      say: () => undefined,
    });

    const ran = results.scenarios.map((s) => `${s.dataset} | ${s.name} | ${s.target}`);
    expect(ran).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/20000 entries \| 1\. patient first page \| ours$/),
        expect.stringMatching(/20000 entries \| 2\. patient first page, records subgraph directly \(signed\) \| records$/),
        expect.stringMatching(/20000 entries \| 3\. clinician list of 50 with latest entries \| ours$/),
        expect.stringMatching(/20000 entries \| 4a\. analyst rolloutSummary\(groupBy: ICB\) \| ours$/),
        expect.stringMatching(/20000 entries \| 4b\. analyst rolloutTimeline, 52 weeks \| ours$/),
        expect.stringMatching(/20000 entries \| 1\. patient first page, 10,000 entries \| ours$/),
        expect.stringMatching(/20000 entries \| 1\. patient first page \| hive$/),
        expect.stringMatching(/15000 entries \| 1\. patient first page \| ours$/),
        expect.stringMatching(/20000 entries \| 1\. patient first page, at capacity \| ours$/),
        expect.stringMatching(
          /20000 entries \| 2\. patient first page, records subgraph directly \(signed\), at capacity \| records$/,
        ),
      ]),
    );
    // The pair at capacity runs on the main data set only.
    expect(ran.filter((name) => name.includes('at capacity'))).toHaveLength(2);
    for (const scenario of results.scenarios) {
      expect({
        scenario: `${scenario.name} ${scenario.target}`,
        errors: scenario.result.errors,
        wrong: scenario.result.wrong,
      }).toEqual({
        scenario: `${scenario.name} ${scenario.target}`,
        errors: 0,
        wrong: 0,
      });
      expect(scenario.result.requests).toBeGreaterThan(0);
      expect(scenario.peakMemoryMb[scenario.target === 'ours' ? 'gateway' : scenario.target]).toBeGreaterThan(0);
      // The CPU each serving process spent per request: the records subgraph alone when asked directly.
      const served = Object.keys(scenario.cpuMsPerRequest).sort();
      expect(served).toEqual(
        scenario.target === 'records'
          ? ['records']
          : ['practices', 'records', 'rollout', scenario.target === 'ours' ? 'gateway' : scenario.target].sort(),
      );
      expect(scenario.cpuMsPerRequest[scenario.target === 'ours' ? 'gateway' : scenario.target]).toBeGreaterThan(0);
    }

    // Compared scenarios ran in alternating bursts; the others once.
    expect(results.scenarios.find((s) => s.target === 'records')!.rounds).toHaveLength(2);
    expect(results.scenarios.find((s) => s.name.startsWith('3.'))!.rounds).toHaveLength(1);

    // Each operation judged for each gateway; ours, the reference, is correct on every one.
    expect(results.answers.length).toBe(7);
    for (const answer of results.answers) {
      expect(answer.verdicts.ours?.kind).toBe('correct');
      for (const peer of OTHER_GATEWAYS) expect(['correct', 'wrong']).toContain(answer.verdicts[peer]?.kind);
    }
    // A gateway that answered an operation wrongly is not loaded with it; one right is.
    for (const peer of OTHER_GATEWAYS) {
      for (const answer of results.answers.filter((a) => a.verdicts[peer]?.kind === 'wrong')) {
        expect(results.scenarios.filter((s) => s.target === peer && s.name.includes(answer.operation))).toEqual([]);
      }
      expect(results.scenarios.filter((s) => s.target === peer).length).toBeGreaterThan(0);
    }

    // The cost of a first page does not grow with the record: the same fetches and statements.
    const firstPages = results.costs.filter((c) => /^patient first page, [\d,]+ entries$/.test(c.name));
    expect(firstPages.length).toBe(5); // 10, 1,000 and 10,000 entries; 10 and 10,000 on the other data set
    for (const cost of firstPages) {
      expect({ name: cost.name, ok: cost.ok, fetches: cost.fetches, statements: cost.statements }).toEqual({
        name: cost.name,
        ok: true,
        fetches: firstPages[0]!.fetches,
        statements: firstPages[0]!.statements,
      });
    }
    // records (me), rollout (the access status and periods), records (the page): practices is not asked.
    expect(firstPages[0]!.fetches).toEqual({ practices: 0, rollout: 1, records: 2 });

    const markdown = readFileSync(join(dir, 'results', 'national.md'), 'utf8');
    expect(markdown).toContain('## Targets');
    expect(markdown).toMatch(
      /Federation's cost: .* CPU per request: [\d.]+ \([^)]*gateway [\d.]+[^)]*\) ms against [\d.]+ \(records [\d.]+\) ms\./,
    );
    expect(markdown).toMatch(
      /Federation's cost at capacity \(8 connections\): [\d,]+ req\/s against [\d,]+: [\d.]+ of it \(target: at least 0\.5\)\. Cores kept busy by the serving processes: [\d.]+ for the page, [\d.]+ for the records subgraph alone \(at 4 connections: [\d.]+ and [\d.]+\)\./,
    );
    expect(markdown).toContain('## Does each gateway answer correctly?');
    expect(JSON.parse(readFileSync(join(dir, 'results', 'national.json'), 'utf8'))).toMatchObject({ settings: { seconds: 1 } });
  });
});

onPostgres('npm run bench with BENCH_DATABASE=postgres', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cas-bench-pg-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads each data set into PostgreSQL and runs every scenario on it, with constant statements and round trips per first page', async () => {
    const tiny = { preset: 'small' as const, practices: 300, patients: 300, quiet: true };
    const settings = benchSettings({ BENCH_DATABASE: 'postgres', BENCH_DATABASE_URL: TEST_DATABASE_URL });
    const results = await nationalBench({
      settings: { ...settings, seconds: 1, rounds: 1, warmupSeconds: 0, connections: 4, capacityConnections: 0 },
      dataset: { ...tiny, entries: 20_000, dir: join(dir, 'data-large') },
      comparedWith: { ...tiny, entries: 15_000, dir: join(dir, 'data-small') },
      resultsDir: join(dir, 'results'),
      say: () => undefined,
    });

    const ran = results.scenarios.map((s) => `${s.dataset} | ${s.name} | ${s.target}`);
    expect(ran).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/20000 entries \| 1\. patient first page \| ours$/),
        expect.stringMatching(/20000 entries \| 1\. patient first page \| hive$/),
        expect.stringMatching(/20000 entries \| 2\. patient first page, records subgraph directly \(signed\) \| records$/),
        expect.stringMatching(/20000 entries \| 3\. clinician list of 50 with latest entries \| ours$/),
        expect.stringMatching(/20000 entries \| 4b\. analyst rolloutTimeline, 52 weeks \| ours$/),
        expect.stringMatching(/15000 entries \| 1\. patient first page \| ours$/),
      ]),
    );
    for (const scenario of results.scenarios) {
      expect({
        scenario: `${scenario.name} ${scenario.target}`,
        errors: scenario.result.errors,
        wrong: scenario.result.wrong,
      }).toEqual({
        scenario: `${scenario.name} ${scenario.target}`,
        errors: 0,
        wrong: 0,
      });
      expect(scenario.result.requests).toBeGreaterThan(0);
      // The server is local here: its own CPU is counted beside the services'.
      expect(scenario.cpuMsPerRequest.postgresql).toBeGreaterThanOrEqual(0);
    }
    for (const answer of results.answers) expect(answer.verdicts.ours?.kind).toBe('correct');

    // A first page costs the same statements and round trips from 10 to 10,000 entries, on both data sets.
    const firstPages = results.costs.filter((c) => /^patient first page, [\d,]+ entries$/.test(c.name));
    expect(firstPages.length).toBe(5);
    for (const cost of firstPages) {
      expect({ name: cost.name, ok: cost.ok, statements: cost.statements, roundTrips: cost.roundTrips }).toEqual({
        name: cost.name,
        ok: true,
        statements: firstPages[0]!.statements,
        roundTrips: firstPages[0]!.roundTrips,
      });
    }
    expect(firstPages[0]!.statements.records).toBeGreaterThan(0);
    expect(firstPages[0]!.roundTrips!.records).toBeGreaterThanOrEqual(firstPages[0]!.statements.records);

    // Each data set's load and size, each service's start and steady memory.
    for (const dataset of results.datasets.map((d) => `${d.requested.patients} patients, ${d.requested.entries} entries`)) {
      expect(results.postgres?.[dataset]?.loadSeconds).toBeGreaterThan(0);
      expect(results.postgres?.[dataset]?.bytes.records).toBeGreaterThan(1_000_000);
      // Who vacuumed while the scenarios wrote: the server, or the run in its stead.
      expect(results.postgres?.[dataset]?.maintenance).toMatch(
        /^the server's autovacuum (on|off, so the run did its work .* in \d+ rounds)$/,
      );
    }
    const main = results.services?.['300 patients, 20000 entries'];
    expect(Object.keys(main?.readySeconds ?? {}).sort()).toEqual(
      ['gateway', ...OTHER_GATEWAYS, 'practices', 'records', 'rollout'].sort(),
    );
    for (const mb of Object.values(main?.steadyRssMb ?? {})) expect(mb).toBeGreaterThan(0);

    const markdown = readFileSync(join(dir, 'results', 'national-postgres.md'), 'utf8');
    expect(markdown).toContain('PostgreSQL');
    expect(markdown).toContain('| round trips |');
    expect(markdown).toContain('## Start and memory');
    expect(markdown).toContain('## Loading PostgreSQL');
    expect(markdown).toMatch(/While the scenarios ran on 300 patients, 20000 entries: the server's autovacuum (on|off)/);
  }, 360_000);
});
