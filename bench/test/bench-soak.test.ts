import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_DATABASE_URL } from '../../test/helpers/database';
import { Scenario } from '../../test/helpers/scenario';
import { runSoak, slopePerMinute } from '../soak/soak';
import { inProcessTarget } from '../soak/soak-target';
import { DEMO_SOAK_PATIENT } from '../soak/operations';
import { soakPatients } from '../soak/soak-patients';

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
      patients: 3,
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
    // Every operation sent in the first third is in the table of thirds.
    expect(results.operations.length).toBeGreaterThan(0);
    for (const op of results.operations) expect(file).toContain(`| ${op.name} `);
    expect(results.operations.reduce((sum, op) => sum + op.first.requests, 0)).toBeGreaterThan(0);
    expect(file).toMatch(/Throughput: \d+ req\/s in the first third, \d+ in the last/);
    // Each service's CPU per request in both thirds, PostgreSQL's too when the suite runs on it here.
    const cpuSeries = ['gateway', 'practices', 'records', 'rollout', ...(TEST_DATABASE_URL ? ['postgres'] : [])];
    expect(Object.keys(results.cpuPerRequest).sort()).toEqual(cpuSeries.sort());
    for (const name of ['gateway', 'records', 'rollout']) {
      expect(results.cpuPerRequest[name]!.first).toBeGreaterThan(0);
      expect(results.cpuPerRequest[name]!.last).toBeGreaterThan(0);
    }
    expect(file).toMatch(/\| gateway +\| +\d+\.\d\d \| +\d+\.\d\d \|/);
    // On PostgreSQL the results say who kept the databases vacuumed and analyzed.
    if (TEST_DATABASE_URL) {
      expect(results.maintenance).toMatch(/^the server's autovacuum (on|off, so the run did its work .* in \d+ rounds)$/);
      expect(file).toContain(`a database per subgraph (${results.maintenance})`);
    } else {
      expect(results.maintenance).toBeUndefined();
    }
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

  it('registers its own patients at the demo practice, each able to read their record', async () => {
    const target = await inProcessTarget();
    try {
      const patients = await soakPatients(target, 3);
      expect(patients).toHaveLength(3);
      expect(patients[0]).toBe(DEMO_SOAK_PATIENT);
      expect(new Set(patients).size).toBe(3);
      for (const nhsNumber of patients.slice(1)) {
        const token = await target.token(Scenario.patient(nhsNumber));
        const response = await target.graphql(token, '{ me { nhsNumber record(first: 1) { totalCount } } }');
        expect(response.body.errors).toBeUndefined();
        expect(response.body.data).toEqual({ me: { nhsNumber, record: { totalCount: 0 } } });
      }
      await expect(soakPatients(target, 0)).rejects.toThrow(RangeError);
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
