import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_DATABASE_URL } from '../../test/helpers/database';
import { Scenario } from '../../test/helpers/scenario';
import { runSoak, slopePerMinute } from '../soak/soak';
import { inProcessTarget } from '../soak/soak-target';

/**
 * `npm run soak` end to end for a few seconds, on the suite's database (a scratch database per
 * subgraph on PostgreSQL): every role's traffic answered as each operation expects, and the
 * memory of each service (as processes) or of the one process reported. Figures this short
 * mean nothing.
 */
describe('npm run soak', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cas-bench-soak-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("drives every service as its own process and reports each one's memory", async () => {
    const results = await runSoak({
      seconds: 3,
      concurrency: 2,
      processes: true,
      sampleSeconds: 1,
      resultsDir: dir,
      say: () => undefined,
      ...(TEST_DATABASE_URL ? { databaseUrl: TEST_DATABASE_URL } : {}),
    });

    expect(results.unexpected).toEqual({});
    expect(results.requests).toBeGreaterThan(11); // every operation at least once
    expect(Object.keys(results.memory).sort()).toEqual(['gateway', 'practices', 'records', 'rollout']);
    for (const series of Object.values(results.memory)) expect(series.lastMb).toBeGreaterThan(20);
    const file = readFileSync(join(dir, TEST_DATABASE_URL ? 'soak-processes-postgres.md' : 'soak-processes.md'), 'utf8');
    expect(file).toContain('every service its own process');
    expect(file).toMatch(/\| records +\| +[\d.]+ \| +[\d.]+ \|/);
  }, 120_000);

  it('runs the whole system in one process, its heap reported', async () => {
    const results = await runSoak({
      seconds: 2,
      concurrency: 2,
      processes: false,
      sampleSeconds: 1,
      resultsDir: dir,
      say: () => undefined,
    });

    expect(results.unexpected).toEqual({});
    expect(Object.keys(results.memory).sort()).toEqual(['heap', 'rss']);
  }, 120_000);

  it('runs the one-process system on a clock that moves with real time, as a deployment does', async () => {
    // On a clock that stood still the subgraphs never let go of a signature (replay-guard.ts),
    // and the heap grew with every request: 2.7 MB a minute on PostgreSQL.
    const target = await inProcessTarget();
    try {
      const token = await target.token(Scenario.nhse);
      const from = target.clock!.now().getTime();
      const started = performance.now();
      // Requests, not a sleep, take the time: at least 200 ms of it.
      while (performance.now() - started < 200) expect((await target.graphql(token, '{ apps { clientId } }')).status).toBe(200);
      expect(target.clock!.now().getTime() - from).toBeGreaterThanOrEqual(200);
    } finally {
      await target.stop();
    }
  }, 120_000);

  it('measures a trend in MB per minute, and none from too few samples', () => {
    expect(
      slopePerMinute([
        { at: 0, mb: 10 },
        { at: 10, mb: 11 },
        { at: 20, mb: 12 },
      ]),
    ).toBeCloseTo(6);
    expect(
      slopePerMinute([
        { at: 0, mb: 10 },
        { at: 10, mb: 10 },
        { at: 20, mb: 10 },
      ]),
    ).toBe(0);
    expect(
      slopePerMinute([
        { at: 0, mb: 10 },
        { at: 10, mb: 11 },
      ]),
    ).toBeNull();
  });
});
