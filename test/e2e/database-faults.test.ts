import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import pino from 'pino';
import type { SubgraphName } from '../../subgraphs/common/config';
import { createTestDatabase, databaseKind, TEST_DATABASE_URL, type TestDatabase } from '../helpers/database';
import { eventually, readiness } from '../helpers/eventually';
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * PostgreSQL ends every connection of the services at once (pg_terminate_backend, as in a
 * failover or a restart) while clinicians write and a patient reads through the gateway. The
 * services must recover by themselves, and the records database must hold every write the API
 * acknowledged exactly once, with its change-log row, and no write half-applied.
 *
 * Only the services' own connections are cut: they carry an application_name of this test's,
 * since other test files share the server. The server itself is not restarted, for that reason.
 */
const onPostgres = databaseKind === 'postgres' ? describe : describe.skip;
if (databaseKind !== 'postgres') {
  it.skip('database connection faults: PostgreSQL only (set TEST_DATABASE_URL); SQLite has no server connections to cut', () =>
    undefined);
}

onPostgres('when PostgreSQL ends the services’ connections under traffic', () => {
  const applicationName = `cas-faults-${randomBytes(4).toString('hex')}`;
  const databases: Partial<Record<SubgraphName, TestDatabase>> = {};
  let supergraph: Supergraph;
  let s: Scenario;
  let admin: Client;
  /** What the services log at warn and above, parsed. */
  const logged: { msg: string; err?: { message: string } }[] = [];

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
    const config = (name: SubgraphName) => {
      const database = databases[name]!.config;
      if (database.kind !== 'postgres') throw new Error('expected a PostgreSQL test database');
      return { ...database, applicationName };
    };
    supergraph = await startSupergraph({
      logger: pino({ level: 'warn' }, { write: (line: string) => void logged.push(JSON.parse(line) as (typeof logged)[number]) }),
      now: '2022-10-01T09:00:00.000Z',
      databases: { practices: config('practices'), rollout: config('rollout'), records: config('records') },
    });
    s = new Scenario(supergraph);
    await s.createPractice(practice, 'EMIS');
    await s.registerPatient(practice, patient, '1980-04-12');
    await s.schedule(practice, '2022-11-01T00:00:00.000Z');
    s.at('2022-11-02T09:00:00.000Z');
    admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
  }, 60_000);

  afterAll(async () => {
    await admin?.end();
    await supergraph?.stop();
    for (const database of Object.values(databases)) await database.drop();
  }, 60_000);

  it('they recover without a restart, /readyz says 200 again, and every acknowledged write is there once, none half-applied', async () => {
    const outcomes: Outcome[] = [];
    let running = true;
    let written = 0;
    const writer = async (clinician: number) => {
      while (running) {
        const title = `entry ${clinician}-${(written += 1)}`;
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
    const stopTraffic = async () => {
      running = false;
      await Promise.all(traffic);
    };
    let cut: number[];
    let cutAt: number;
    try {
      await sleep(1000);
      cutAt = performance.now();
      // Twice, a moment apart: the second catches connections the pools opened in between.
      cut = [...(await cutConnections()), ...(await sleep(150).then(cutConnections))];
      expect(cut.length).toBeGreaterThanOrEqual(SUBGRAPHS.length);

      await eventually(async () => {
        const after = outcomes.filter((o) => o.startedAt > cutAt);
        const writes = after.filter((o) => o.kind === 'write');
        const reads = after.filter((o) => o.kind === 'read');
        // Recovered: the last five writes and the last five reads since the cut all succeeded.
        return writes.length >= 5 && reads.length >= 5 && [...writes.slice(-5), ...reads.slice(-5)].every((o) => o.ok);
      }, 5000);
      await eventually(async () => (await readiness(supergraph.url)).status === 200, 5000);
      await sleep(500);
    } finally {
      await stopTraffic();
    }

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

    const writes = outcomes.filter((o) => o.kind === 'write');
    const failed = outcomes.filter((o) => !o.ok);
    // Requests failed only around the cut: none before it, none that started more than 3 s after it.
    expect(failed.filter((o) => o.startedAt < cutAt - 1000)).toEqual([]);
    expect(Math.max(0, ...failed.map((o) => o.startedAt - cutAt))).toBeLessThan(3000);
    expect(writes.filter((o) => o.ok).length).toBeGreaterThan(10);

    const schema = (databases.records!.config as { schema: string }).schema;
    const rows = await admin.query<{ id: string; title: string; logs: string }>(
      `SELECT e.id, e.title,
              (SELECT count(*) FROM "${schema}".change_log c WHERE c.entry_id = e.id AND c.action = 'ENTRY_ADDED') AS logs
         FROM "${schema}".record_entry e WHERE e.nhs_number = $1`,
      [patient],
    );
    const orphanLogs = await admin.query(
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

    // Acknowledged: there exactly once, with the id the API answered, and its one change-log row.
    for (const write of writes.filter((o) => o.ok)) {
      expect({ title: write.title, stored: stored.get(write.title!) }).toEqual({
        title: write.title,
        stored: { ids: [write.id], logs: [1] },
      });
    }
    // Refused: absent, or there once with its change-log row (committed just before the cut reached the answer).
    for (const write of writes.filter((o) => !o.ok)) {
      const found = stored.get(write.title!);
      if (found) expect({ title: write.title, logs: found.logs }).toEqual({ title: write.title, logs: [1] });
    }
    // Nothing written that no one asked for, and no change-log row without its entry.
    expect([...stored.keys()].filter((title) => !writes.some((w) => w.title === title))).toEqual([]);
    expect(orphanLogs.rows).toEqual([]);
  }, 60_000);
});
