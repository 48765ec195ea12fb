import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import pino from 'pino';
import type { DatabaseConfig } from '../../subgraphs/runtime/config';
import type { SubgraphName } from '../../platform/config';
import { createTestDatabase, databaseKind, TEST_DATABASE_URL, type TestDatabase } from '../helpers/database';
import { eventually, readiness } from '../helpers/eventually';
import { PrivatePostgres } from '../helpers/private-postgres';
import { Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

const practice = 'A81001';
const patient = '9990001375';
const SUBGRAPHS: SubgraphName[] = ['practices', 'rollout', 'records'];

interface Outcome {
  kind: 'write' | 'read';
  startedAt: number;
  ok: boolean;
  /** Writes: the entry's title, unique to the attempt, and the id the API answered with. */
  title?: string;
  id?: string;
}

/** What the services log at warn and above, parsed. */
type Logged = { msg: string; err?: { message: string } }[];

interface TrafficRun {
  tag: string;
  outcomes: Outcome[];
  disruptedAt: number;
  restoredAt: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the supergraph on the given databases, with a practice switched on and a patient
 * registered there, at an instant when the patient's new entries are visible.
 */
async function startWorld(databases: Record<SubgraphName, DatabaseConfig>, logged: Logged): Promise<Scenario> {
  const supergraph = await startSupergraph({
    readinessIntervalMs: 200,
    logger: pino({ level: 'warn' }, { write: (line: string) => void logged.push(JSON.parse(line) as Logged[number]) }),
    now: '2022-10-01T09:00:00.000Z',
    databases,
  });
  const s = new Scenario(supergraph);
  await s.createPractice(practice, 'EMIS');
  await s.registerPatient(practice, patient, '1980-04-12');
  await s.schedule(practice, '2022-11-01T00:00:00.000Z');
  s.at('2022-11-02T09:00:00.000Z');
  return s;
}

/**
 * Three clinicians write entries (each title unique to its attempt) and a patient reads, through
 * the gateway, until `disrupt` has done its damage and the services answer again. Returns every
 * request's outcome and the instant the disruption began; fails unless the last five writes and
 * the last five reads since then all succeeded within `recoverMs` of `disrupt` returning, and
 * /readyz says 200 again.
 */
async function underTraffic(
  s: Scenario,
  supergraph: Supergraph,
  disrupt: () => Promise<void>,
  recoverMs: number,
): Promise<TrafficRun> {
  const tag = randomBytes(3).toString('hex'); // the run's titles are its own
  const outcomes: Outcome[] = [];
  let running = true;
  let written = 0;
  const writer = async (clinician: number) => {
    while (running) {
      const title = `entry ${tag} ${clinician}-${(written += 1)}`;
      const startedAt = performance.now();
      const response = await s
        .as<{ addRecordEntry: { id: string } }>(
          Scenario.clinician(practice),
          'mutation($input: AddRecordEntryInput!) { addRecordEntry(input: $input) { id } }',
          { input: { nhsNumber: patient, type: 'CONSULTATION_NOTE', title, body: `Body of ${title}` } },
        )
        .catch(() => undefined); // no answer at all counts as a failure too
      const id = response?.body.data?.addRecordEntry.id;
      outcomes.push({ kind: 'write', startedAt, ok: response?.status === 200 && !response.body.errors && !!id, title, id });
    }
  };
  const reader = async () => {
    while (running) {
      const startedAt = performance.now();
      const response = await s
        .as(
          Scenario.patient(patient),
          '{ me { onlineAccess { state } record(first: 5) { totalCount edges { node { title } } } } }',
        )
        .catch(() => undefined);
      outcomes.push({ kind: 'read', startedAt, ok: response?.status === 200 && !response.body.errors });
    }
  };
  const traffic = [writer(1), writer(2), writer(3), reader(), reader()];
  try {
    await sleep(1000);
    const disruptedAt = performance.now();
    await disrupt();
    const restoredAt = performance.now();
    await eventually(async () => {
      const after = outcomes.filter((o) => o.startedAt > restoredAt);
      const writes = after.filter((o) => o.kind === 'write');
      const reads = after.filter((o) => o.kind === 'read');
      return writes.length >= 5 && reads.length >= 5 && [...writes.slice(-5), ...reads.slice(-5)].every((o) => o.ok);
    }, recoverMs);
    await eventually(async () => (await readiness(supergraph.url)).status === 200, recoverMs);
    await sleep(500);
    return { tag, outcomes, disruptedAt, restoredAt };
  } finally {
    running = false;
    await Promise.all(traffic);
  }
}

/**
 * Requests failed only around the disruption (none that started a second before it, none that
 * started more than `settleMs` after the service was restored), enough writes were acknowledged,
 * and the records database holds every acknowledged write exactly once with its one change-log
 * row, every refused write at most once (with its row: it may have committed just before the
 * fault reached the answer), nothing no one asked for, and no change-log row without its entry.
 */
async function expectNoWriteLostOrHalfApplied(
  run: TrafficRun,
  records: { url: string; schema: string },
  settleMs: number,
): Promise<void> {
  const { tag, outcomes, disruptedAt, restoredAt } = run;
  const writes = outcomes.filter((o) => o.kind === 'write');
  const failed = outcomes.filter((o) => !o.ok);
  expect(failed.filter((o) => o.startedAt < disruptedAt - 1000)).toEqual([]);
  expect(Math.max(0, ...failed.map((o) => o.startedAt - restoredAt))).toBeLessThan(settleMs);
  expect(writes.filter((o) => o.ok).length).toBeGreaterThan(10);

  const client = new Client({ connectionString: records.url });
  await client.connect();
  try {
    const schema = records.schema;
    const rows = await client.query<{ id: string; title: string; logs: string }>(
      `SELECT e.id, e.title,
              (SELECT count(*) FROM "${schema}".change_log c WHERE c.entry_id = e.id AND c.action = 'ENTRY_ADDED') AS logs
         FROM "${schema}".record_entry e WHERE e.nhs_number = $1 AND e.title LIKE $2`,
      [patient, `entry ${tag} %`],
    );
    const orphanLogs = await client.query(
      `SELECT c.entry_id FROM "${schema}".change_log c
        WHERE c.action = 'ENTRY_ADDED' AND NOT EXISTS (SELECT 1 FROM "${schema}".record_entry e WHERE e.id = c.entry_id)`,
    );
    const stored = new Map<string, { ids: string[]; logs: number[] }>();
    for (const row of rows.rows) {
      const entry = stored.get(row.title) ?? { ids: [], logs: [] };
      entry.ids.push(row.id);
      entry.logs.push(Number(row.logs));
      stored.set(row.title, entry);
    }
    for (const write of writes.filter((o) => o.ok)) {
      expect({ title: write.title, stored: stored.get(write.title!) }).toEqual({
        title: write.title,
        stored: { ids: [write.id], logs: [1] },
      });
    }
    for (const write of writes.filter((o) => !o.ok)) {
      const found = stored.get(write.title!);
      if (found) expect({ title: write.title, logs: found.logs }).toEqual({ title: write.title, logs: [1] });
    }
    expect([...stored.keys()].filter((title) => !writes.some((w) => w.title === title))).toEqual([]);
    expect(orphanLogs.rows).toEqual([]);
  } finally {
    await client.end();
  }
}

const onPostgres = databaseKind === 'postgres' ? describe : describe.skip;
if (databaseKind !== 'postgres') {
  it.skip('database faults: PostgreSQL only (set TEST_DATABASE_URL); SQLite has no server to lose', () => undefined);
}

/**
 * PostgreSQL ends every connection of the services at once (pg_terminate_backend, as in a
 * failover) while clinicians write and a patient reads through the gateway. The services must
 * recover by themselves, and no write may be lost or half-applied.
 *
 * Only the services' own connections are cut: they carry an application_name of this test's,
 * since other test files share the server.
 */
onPostgres('when PostgreSQL ends the services’ connections under traffic', () => {
  const applicationName = `cas-faults-${randomBytes(4).toString('hex')}`;
  const databases: Partial<Record<SubgraphName, TestDatabase>> = {};
  const logged: Logged = [];
  let s: Scenario;
  let admin: Client;

  /** Ends every backend of the services (not this client's, nor other tests'); returns their pids. */
  const cutConnections = async (): Promise<number[]> => {
    // pg_terminate_backend in the select list: it runs only on the rows the WHERE clause kept.
    const result = await admin.query<{ pid: number }>(
      `SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE pid <> pg_backend_pid() AND datname = current_database() AND application_name = $1`,
      [applicationName],
    );
    return result.rows.map((row) => row.pid);
  };
  const servicePids = async (): Promise<number[]> =>
    (
      await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [applicationName])
    ).rows.map((row) => row.pid);

  beforeAll(async () => {
    for (const name of SUBGRAPHS) databases[name] = await createTestDatabase(name);
    const config = (name: SubgraphName): DatabaseConfig => {
      const database = databases[name]!.config;
      if (database.kind !== 'postgres') throw new Error('expected a PostgreSQL test database');
      return { ...database, applicationName };
    };
    s = await startWorld({ practices: config('practices'), rollout: config('rollout'), records: config('records') }, logged);
    admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
  }, 60_000);

  afterAll(async () => {
    await admin?.end();
    await s?.supergraph.stop();
    for (const database of Object.values(databases)) await database.drop();
  }, 60_000);

  it('they recover without a restart, /readyz says 200 again, and every acknowledged write is there once, none half-applied', async () => {
    let cut: number[] = [];
    const run = await underTraffic(
      s,
      s.supergraph,
      async () => {
        // Twice, a moment apart: the second catches connections the pools opened in between.
        cut = [...(await cutConnections()), ...(await sleep(150).then(cutConnections))];
      },
      5000,
    );
    expect(cut.length).toBeGreaterThanOrEqual(SUBGRAPHS.length);

    // Served by new connections: none of those cut came back.
    const now = await servicePids();
    expect(now.filter((pid) => cut.includes(pid))).toEqual([]);
    expect(now.length).toBeGreaterThan(0);
    // The pools heard of the idle connections they lost, and said so without a crash.
    expect(logged).toContainEqual(
      expect.objectContaining({
        msg: 'database connection lost; the pool replaces it',
        err: expect.objectContaining({ message: 'terminating connection due to administrator command' }),
      }),
    );
    const schema = (databases.records!.config as { schema: string }).schema;
    await expectNoWriteLostOrHalfApplied(run, { url: TEST_DATABASE_URL!, schema }, 3000);
  }, 60_000);
});

/**
 * The PostgreSQL server itself goes away under traffic, twice: a crash (immediate shutdown, no
 * checkpoint: the next start replays the write-ahead log) with the server down for a second and
 * a half, then a planned restart (fast shutdown). The server is one of the test's own (a fresh
 * cluster on a free port), so the shared server the other test files use is never touched. The
 * services must report not ready while it is down, recover by themselves when it is back, and
 * have lost or half-applied no write.
 *
 * It needs PostgreSQL's server programs on this machine (not only a server reachable through
 * TEST_DATABASE_URL); `.ci/run` sets REQUIRE_POSTGRES_RESTART=1 so that CI fails rather than skips.
 */
const serverPrograms = PrivatePostgres.available();
if (databaseKind === 'postgres' && !serverPrograms) {
  if (process.env.REQUIRE_POSTGRES_RESTART === '1') {
    it('PostgreSQL restarts: needs the server programs (initdb, pg_ctl; set PG_BINDIR)', () => {
      throw new Error('PostgreSQL server programs not found, and REQUIRE_POSTGRES_RESTART=1');
    });
  } else {
    it.skip('PostgreSQL restarts: needs the server programs (initdb, pg_ctl); none on this machine', () => undefined);
  }
}
(databaseKind === 'postgres' && serverPrograms ? describe : describe.skip)(
  'when the PostgreSQL server restarts under traffic',
  () => {
    const logged: Logged = [];
    let server: PrivatePostgres;
    let s: Scenario;

    beforeAll(async () => {
      server = await PrivatePostgres.create();
      const config = (name: SubgraphName): DatabaseConfig => ({ kind: 'postgres', url: server.url(), schema: name });
      s = await startWorld({ practices: config('practices'), rollout: config('rollout'), records: config('records') }, logged);
    }, 60_000);

    afterAll(async () => {
      await s?.supergraph.stop();
      await server?.destroy();
    }, 60_000);

    const whileDown = async (downMs: number): Promise<number[]> => {
      // /readyz while the server is down: 503 once the services (and the gateway's background probe) have noticed.
      const statuses: number[] = [];
      const until = performance.now() + downMs;
      while (performance.now() < until) {
        statuses.push(
          await readiness(s.supergraph.url).then(
            (r) => r.status,
            () => 0,
          ),
        );
        await sleep(100);
      }
      return statuses;
    };

    it.each([
      ['crashes (immediate shutdown) and comes back', 'immediate' as const],
      ['restarts cleanly (fast shutdown)', 'fast' as const],
    ])(
      '%s: not ready while down, recovered without a restart, every acknowledged write there once',
      async (_, mode) => {
        logged.length = 0;
        let downStatuses: number[] = [];
        const run = await underTraffic(
          s,
          s.supergraph,
          async () => {
            await server.stop(mode);
            downStatuses = await whileDown(1500);
            await server.start();
          },
          10_000,
        );
        // Once the gateway's background probe has seen it (within its interval), every /readyz said 503.
        expect(downStatuses.length).toBeGreaterThan(3);
        const noticed = downStatuses.indexOf(503);
        expect(noticed).toBeGreaterThanOrEqual(0);
        expect(downStatuses.slice(noticed).filter((status) => status !== 503)).toEqual([]);
        // The pools noticed the connections they lost and said so, without a crash.
        expect(logged.map((line) => line.msg)).toContain('database connection lost; the pool replaces it');
        await expectNoWriteLostOrHalfApplied(run, { url: server.url(), schema: 'records' }, 3000);
      },
      60_000,
    );
  },
);
