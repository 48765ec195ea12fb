import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLoadBench } from '../open-load/open-load';
import { MIX_WEIGHTS } from '../open-load/mix';
import { databaseKind } from '../../test/helpers/database';

/**
 * `BENCH_ONLY=open-load npm run bench` end to end at a tiny size, a second a run: capacity
 * measured in the mix, then each share of it run open-model, every kind of request sent and
 * answered without an error or a wrong answer, and the results written. The figures mean
 * nothing at this size; that the bench runs and checks every answer does. SQLite pass only.
 */
jest.setTimeout(240_000);

const onSqlite = databaseKind === 'sqlite' ? describe : describe.skip;

onSqlite('BENCH_ONLY=open-load', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cas-open-load-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('measures capacity in the mix, then runs every kind at 25, 50 and 75 % of it twice, checked, and writes the results', async () => {
    const results = await openLoadBench({
      settings: {
        capacitySeconds: 1,
        capacityConnections: 8,
        warmupSeconds: 0,
        seconds: 1,
        levels: [0.25, 0.5, 0.75],
        repeats: 2,
        arrivals: 'poisson',
        seed: 1,
      },
      dataset: { preset: 'small', practices: 300, patients: 300, entries: 20_000, quiet: true, dir: join(dir, 'data') },
      // Every kind alike, so each is sent in runs this short (the README's shares leave some at 2 %);
      // adds thrice, as half of them are the test results the filings use up.
      weights: { ...Object.fromEntries(Object.keys(MIX_WEIGHTS).map((name) => [name, 1])), 'clinician adds an entry': 3 },
      resultsDir: join(dir, 'results'),
      say: () => undefined,
    });

    expect(results.capacity.perSecond).toBeGreaterThan(0);
    expect(results.levels.map((l) => [l.share, l.round])).toEqual([
      [0.25, 1],
      [0.5, 1],
      [0.75, 1],
      [0.25, 2],
      [0.5, 2],
      [0.75, 2],
    ]);
    for (const run of [results.capacity.figures, ...results.levels.map((l) => l.figures)]) {
      expect({ errors: run.errors, wrong: run.wrong, problems: run.problems }).toEqual({ errors: 0, wrong: 0, problems: [] });
      expect(run.kinds.map((k) => k.notSent)).toEqual(run.kinds.map(() => 0));
      expect(run.generatorCpuMs).toBeGreaterThan(0);
    }
    // Each open run meant to send its share of the measured capacity, and sent what it meant to.
    for (const level of results.levels) {
      expect(level.figures.intendedRatePerSecond).toBeCloseTo(results.capacity.perSecond * level.share, 5);
      expect(level.figures.sent).toBe(level.figures.intended);
      expect(Object.keys(level.cores).sort()).toEqual(['gateway', 'generator', 'practices', 'records', 'rollout']);
      expect(Object.keys(level.waits).sort()).toEqual(['gateway', 'practices', 'records', 'rollout']);
      expect(Object.values(level.waits).every((waited) => Number.isFinite(waited) && waited >= 0)).toBe(true);
    }
    // Over the runs, every kind of the mix was sent and answered right.
    const runs = [results.capacity.figures, ...results.levels.map((l) => l.figures)];
    for (const name of Object.keys(MIX_WEIGHTS)) {
      const ok = runs.reduce((sum, run) => sum + run.kinds.find((k) => k.name === name)!.ok, 0);
      expect({ name, answered: ok > 0 }).toEqual({ name, answered: true });
    }

    const markdown = readFileSync(join(dir, 'results', 'open-load.md'), 'utf8');
    expect(markdown).toMatch(
      /p99 of the patient's first page at 50 % of capacity: [\d.]+ ms, the median of 2 runs \([\d.]+, [\d.]+ ms\)/,
    );
    expect(markdown).toMatch(/\| 75 % of capacity \(open\), round 2 +\|/);
    expect(JSON.parse(readFileSync(join(dir, 'results', 'open-load.json'), 'utf8'))).toMatchObject({ database: 'sqlite' });
  });
});
