import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { heavyAnalysts, heavyAnalystsSettings, type HeavyAnalystsResults } from '../heavy-analysts';
import { databaseKind } from '../../test/helpers/database';

/**
 * `BENCH_ONLY=heavy-analysts npm run bench` end to end at a tiny size (300 practices, one short
 * round, two analysts): it runs the load, checks every answer and writes both result files. The
 * figures of a run this short mean nothing. The load itself is the heavy-analysts test's, which
 * runs on both databases, so this runs once, in the SQLite pass.
 */
const onSqlite = databaseKind === 'sqlite' ? describe : describe.skip;

onSqlite('BENCH_ONLY=heavy-analysts npm run bench', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cas-bench-heavy-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads its settings from the environment, with defaults, and refuses nonsense', () => {
    expect(heavyAnalystsSettings({})).toEqual({ rounds: 5, unloadedMs: 1000, loadedMs: 2600, analysts: 6 });
    expect(heavyAnalystsSettings({ BENCH_HEAVY_ROUNDS: '2', BENCH_HEAVY_ANALYSTS: '3' })).toMatchObject({
      rounds: 2,
      analysts: 3,
    });
    expect(() => heavyAnalystsSettings({ BENCH_HEAVY_ROUNDS: '0' })).toThrow('BENCH_HEAVY_ROUNDS: a whole number from 1 to 50');
    expect(() => heavyAnalystsSettings({ BENCH_HEAVY_ANALYSTS: 'six' })).toThrow('BENCH_HEAVY_ANALYSTS');
  });

  it('runs the patient and the analysts, checked, and writes the results', async () => {
    const results = await heavyAnalysts({
      settings: { rounds: 1, unloadedMs: 200, loadedMs: 400, analysts: 2 },
      practices: 300,
      resultsDir: dir,
      print: false,
    });

    expect(results.world).toEqual({ practices: 300, events: expect.any(Number) as number });
    expect(results.unloaded.requests).toBeGreaterThan(0);
    expect(results.loaded.requests).toBeGreaterThan(0);
    expect(results.analysts.sent).toBeGreaterThan(0);
    expect(results.analysts.answered + results.analysts.overloaded).toBe(results.analysts.sent);

    const markdown = readFileSync(join(dir, 'heavy-analysts.md'), 'utf8');
    expect(markdown).toMatch(/^\| unloaded +\| +\d+ \| +\d+ \| +\d+ \| +\d+ \| +\d+ \|$/m);
    expect(markdown).toMatch(/^\| under load \(2 analysts\) +\| +\d+ \| +\d+ \| +\d+ \| +\d+ \| +\d+ \|$/m);
    expect(markdown).toContain('Every patient read was answered correctly.');
    const json = JSON.parse(readFileSync(join(dir, 'heavy-analysts.json'), 'utf8')) as HeavyAnalystsResults;
    expect(json).toEqual(results);
  }, 120_000);
});
