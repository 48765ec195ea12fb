import { DEFAULT_CLOCK_TOLERANCE_MS, DEFAULT_DATABASE_LIMITS, type SubgraphConfig } from '../../subgraphs/runtime/config';
import type { SubgraphHandle } from '../../subgraphs/runtime/start-subgraph';
import { silentLogger } from '../../platform/logger';
import { startRecordsSubgraph } from '../../subgraphs/records/server';
import { createTestDatabase, databaseKind, TEST_DATABASE_URL, type TestDatabase } from '../helpers/database';
import { eventually, readiness, readinessBecomes } from '../helpers/eventually';
import { Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';
import { TcpLink } from '../helpers/tcp-link';

const practice = 'A81001';
const patient = '9990001375';

/** A practice switched on, a patient with one visible entry: what each test reads to see records answer. */
async function patientWithAnEntry(supergraph: Supergraph): Promise<Scenario> {
  const s = new Scenario(supergraph);
  s.at('2022-10-01T09:00:00.000Z');
  await s.createPractice(practice, 'EMIS');
  await s.registerPatient(practice, patient, '1980-04-12');
  await s.schedule(practice, '2022-11-01T00:00:00.000Z');
  s.at('2022-11-02T09:00:00.000Z');
  await s.addEntry(practice, patient, 'seen before the fault');
  return s;
}

/**
 * /readyz tells the truth: the gateway is ready when every subgraph answers its own /readyz,
 * and a subgraph when its database answers. Each goes false while what it needs is gone and
 * true again when it returns, without anything being restarted but what was stopped.
 */
describe('readiness, while a subgraph is stopped', () => {
  it('the gateway says 503 (records: false) while records is stopped, and 200 once it restarts on the same port', async () => {
    const database = await createTestDatabase('records');
    const supergraph = await startSupergraph({ databases: { records: database.config }, readinessIntervalMs: 200 });
    let restarted: SubgraphHandle | undefined;
    try {
      const s = await patientWithAnEntry(supergraph);
      expect((await readinessBecomes(supergraph.url, 200)).status).toBe(200);
      const port = supergraph.subgraphs.records.port;

      await supergraph.stopSubgraph('records');
      expect(await readinessBecomes(supergraph.url, 503)).toEqual({
        status: 503,
        body: expect.objectContaining({ ready: false, subgraphs: { practices: true, rollout: true, records: false } }),
      });
      expect((await s.as(Scenario.patient(patient), '{ me { record { totalCount } } }')).body.errors).toBeDefined();

      const config: SubgraphConfig = {
        name: 'records',
        host: '127.0.0.1',
        port,
        database: database.config,
        signingSecret: supergraph.secret,
        logLevel: 'silent',
        demoData: false,
        practicesUrl: 'http://127.0.0.1:1/graphql',
        minimumNoticeDays: 7,
        appRateLimit: { perSecond: 10, burst: 20 },
        clockToleranceMs: DEFAULT_CLOCK_TOLERANCE_MS,
      };
      restarted = await startRecordsSubgraph(config, { clock: supergraph.clock, logger: silentLogger() });
      expect(restarted.port).toBe(port);
      await eventually(async () => (await readiness(supergraph.url)).status === 200, 5000);
      const seen = await eventually(async () => (await s.patientSees(patient)).titles, 5000);
      expect(seen.value).toEqual(['seen before the fault']);
    } finally {
      await restarted?.stop();
      await supergraph.stop();
      await database.drop();
    }
  }, 60_000);
});

/**
 * On PostgreSQL, records reaches its database through a TCP link the test can break. On SQLite
 * there is nothing to break honestly: the file is opened once and the open descriptor survives
 * chmod, rename and unlink, and `SELECT 1` does not touch the file; what could fail is the disk
 * itself (EIO, ENOSPC), which needs a fault-injecting filesystem.
 */
const onPostgres = databaseKind === 'postgres' ? describe : describe.skip;
if (databaseKind !== 'postgres') {
  it.skip('readiness while a database is unreachable: PostgreSQL only (set TEST_DATABASE_URL); a SQLite file cannot be made unreachable honestly', () =>
    undefined);
}

onPostgres('readiness, while the records database is unreachable (PostgreSQL)', () => {
  const connectTimeoutMs = 1000;
  let database: TestDatabase;
  let supergraph: Supergraph;
  let link: TcpLink;
  let s: Scenario;

  beforeAll(async () => {
    const through = TcpLink.forUrl(TEST_DATABASE_URL!);
    link = await through.link.up();
    database = await createTestDatabase('records');
    if (database.config.kind !== 'postgres') throw new Error('expected a PostgreSQL test database');
    supergraph = await startSupergraph({
      readinessIntervalMs: 200,
      databases: {
        records: {
          ...database.config,
          url: through.url(),
          limits: { ...DEFAULT_DATABASE_LIMITS, connectTimeoutMs },
        },
      },
    });
    s = await patientWithAnEntry(supergraph);
  }, 60_000);

  afterAll(async () => {
    await link?.up();
    await supergraph?.stop();
    await link?.down();
    await database?.drop();
  }, 60_000);

  it('records and the gateway answer 503 while its connections are reset and refused, and 200 again when it is back, without a restart', async () => {
    expect((await readiness(supergraph.subgraphs.records.url)).status).toBe(200);
    // The gateway's state is refreshed in the background: wait until it has seen the scenario's clock.
    expect((await readinessBecomes(supergraph.url, 200)).status).toBe(200);
    await link.down();

    const unready = await eventually(async () => {
      const answer = await readiness(supergraph.subgraphs.records.url);
      return answer.status === 503 && answer;
    }, 3000);
    expect(unready.value.body).toMatchObject({ ready: false, service: 'records' });
    expect(await readinessBecomes(supergraph.url, 503)).toEqual({
      status: 503,
      body: expect.objectContaining({ ready: false, subgraphs: { practices: true, rollout: true, records: false } }),
    });
    const started = performance.now();
    const read = await s.as(Scenario.patient(patient), '{ me { record { totalCount } } }');
    // The database refusing connections passes with time: the client is told to try again.
    expect(read.body.errors?.map((e) => e.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(performance.now() - started).toBeLessThan(connectTimeoutMs + 2000); // an answer, not a hang

    await link.up();
    const back = await eventually(async () => (await readiness(supergraph.url)).status === 200, 5000);
    expect(back.ms).toBeLessThan(5000);
    expect((await readiness(supergraph.subgraphs.records.url)).status).toBe(200);
    expect((await s.patientSees(patient)).titles).toEqual(['seen before the fault']);
  }, 30_000);

  it('a database that accepts connections but never answers makes records unready within the connect timeout', async () => {
    await link.silent();
    // The first probe may meet a pooled connection just reset; the second must open a new one.
    expect((await readiness(supergraph.subgraphs.records.url)).status).toBe(503);
    const started = performance.now();
    const answer = await readiness(supergraph.subgraphs.records.url);
    expect(answer.status).toBe(503);
    expect(performance.now() - started).toBeLessThan(connectTimeoutMs + 1500);
    expect((await readinessBecomes(supergraph.url, 503)).body).toMatchObject({ ready: false, subgraphs: { records: false } });

    await link.up();
    await eventually(async () => (await readiness(supergraph.url)).status === 200, 5000);
    expect((await s.patientSees(patient)).titles).toEqual(['seen before the fault']);
  }, 30_000);
});
