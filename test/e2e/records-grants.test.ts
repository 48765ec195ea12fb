import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../subgraphs/runtime/database';
import { recordsDatabase } from '../../subgraphs/records/server';
import { TEST_DATABASE_URL } from '../helpers/database';
import { Scenario } from '../helpers/scenario';
import { serviceUser } from '../helpers/service-user';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * The records service's own database user holds exactly docker/postgres/records-grants.sql:
 * enough for everything the service does, and no UPDATE or DELETE on the access and change
 * logs, no DELETE anywhere, no DDL. Run in docker-compose.yml's order: the role exists with
 * nothing granted; records migrates (and seeds) as the owner through its migration URL and
 * connects as the role; then the checked-in file (this very file, with the test's role name) is
 * applied, before any request.
 */
const READ = '{ me { record { totalCount } } }';

/** What the role may do on each table and sequence of the records schema: the policy the file must meet. */
const EXPECTED_PRIVILEGES: Record<string, string[]> = {
  patient: ['INSERT', 'SELECT', 'UPDATE'],
  record_entry: ['INSERT', 'SELECT', 'UPDATE'],
  approved_app: ['INSERT', 'SELECT', 'UPDATE'],
  app_rate_limit: ['INSERT', 'SELECT', 'UPDATE'],
  app_patient_rate_limit: ['INSERT', 'SELECT', 'UPDATE'],
  attempt_counter: ['INSERT', 'SELECT', 'UPDATE'],
  exclusion_event: ['INSERT', 'SELECT'],
  access_log: ['INSERT', 'SELECT'],
  change_log: ['INSERT', 'SELECT'],
  trusted_operation: ['INSERT', 'SELECT'],
  exclusion_event_id_seq: ['USAGE'],
  access_log_id_seq: ['USAGE'],
  change_log_id_seq: ['USAGE'],
  migrations: ['SELECT'],
  migrations_id_seq: [],
};

(TEST_DATABASE_URL ? describe : describe.skip)('the records service user (PostgreSQL only: SQLite has no users)', () => {
  const ownerUrl = TEST_DATABASE_URL ?? '';
  const records = serviceUser('records', ownerUrl);
  const { asService, privileges } = records;
  const NHS = '9990020019';
  const HOME = 'A81010';
  const ELSEWHERE = 'A83001';
  const APP = 'grants-test-app';
  let supergraph: Supergraph | undefined;
  let s: Scenario;
  let privilegesBeforeGrants: Record<string, string[]>;
  let loggedAfterScenario: { access: number; change: number };

  /** How many rows each log holds, read as the role. */
  const logged = () =>
    asService(async (client) => {
      const { rows } = await client.query<{ access: number; change: number }>(
        'SELECT (SELECT count(*) FROM access_log)::int AS access, (SELECT count(*) FROM change_log)::int AS change',
      );
      return rows[0]!;
    });

  beforeAll(async () => {
    // As the init script does: a login role, granted nothing.
    await records.create({ readsAtStart: false });
    supergraph = await startSupergraph({
      demoData: true,
      databases: { records: records.database() },
    });
    s = new Scenario(supergraph);
    privilegesBeforeGrants = await privileges();
    // As the one-shot records-grants service does, once records has migrated.
    await records.grant();
  }, 60_000);

  afterAll(async () => {
    await supergraph?.stop();
    await records.drop();
  });

  it('records migrated and loaded the demo data as the owner, while its own user held no grant yet', async () => {
    expect(Object.keys(privilegesBeforeGrants).sort()).toEqual(Object.keys(EXPECTED_PRIVILEGES).sort());
    expect(Object.values(privilegesBeforeGrants).flat()).toEqual([]);
    expect(await records.ownedByOwner()).toBe(true);
  });

  it('the grants file gives the role exactly the policy: no DELETE anywhere, no UPDATE on the logs', async () => {
    expect(await privileges()).toEqual(EXPECTED_PRIVILEGES);
    expect(await records.mayCreateInSchema()).toBe(false);
  });

  it('everything the service does works through the gateway, as that role', async () => {
    // The demo data, which the owner loaded: the README's app token reads the demo patient.
    // The demo app runs its ready operations (schema/operations/app), loaded with the demo data: the first page.
    const demo = await s.byId<{ me: { record: { totalCount: number } } }>(
      Scenario.app('demo-app', '9990001375'),
      Scenario.operation(
        readFileSync(join(__dirname, '..', '..', 'schema', 'operations', 'app', 'record-first-page.graphql'), 'utf8'),
      ).id,
    );
    expect(demo.body.data?.me.record.totalCount).toBeGreaterThan(0);

    s.at('2024-01-15T09:00:00.000Z');
    await s.createPractice(HOME);
    await s.createPractice(ELSEWHERE);
    await s.switchOn(HOME);
    await s.switchOn(ELSEWHERE);
    await s.registerPatient(HOME, NHS);
    s.at('2024-01-15T09:10:00.000Z');
    await s.exclude(HOME, NHS, true);
    s.at('2024-01-15T09:20:00.000Z');
    await s.exclude(HOME, NHS, false);
    s.at('2024-01-15T10:00:00.000Z');
    await s.addEntry(HOME, NHS, 'Asthma review');
    const result = await s.addEntry(HOME, NHS, 'Full blood count', 'TEST_RESULT');
    const letter = await s.addEntry(HOME, NHS, 'Referral letter', 'CLINICAL_LETTER');
    s.at('2024-01-15T10:30:00.000Z');
    await s.fileEntry(HOME, result);
    await s.hideEntry(HOME, letter);
    await s.approveApp(APP, ['record:read'], `App ${APP}`, [READ]);

    s.at('2024-01-15T11:00:00.000Z');
    const expected = ['Full blood count', 'Asthma review'];
    expect((await s.patientSees(NHS)).titles).toEqual(expected);
    // Twice: the first read opens the app's rate-limit bucket (INSERT), the second takes from it (UPDATE).
    for (let read = 0; read < 2; read += 1) {
      const app = await s.ok<{ me: { record: { totalCount: number } } }>(Scenario.app(APP, NHS), READ);
      expect(app.me.record.totalCount).toBe(expected.length);
    }
    const clinical = await s.ok<{
      patient: { clinicalRecord: { totalCount: number }; exclusionHistory: unknown[]; accessLog: { totalCount: number } };
    }>(
      Scenario.clinician(HOME),
      `query($n: ID!) { patient(nhsNumber: $n) {
        clinicalRecord { totalCount } exclusionHistory { at } accessLog { totalCount } } }`,
      { n: NHS },
    );
    expect(clinical.patient.clinicalRecord.totalCount).toBe(3);
    expect(clinical.patient.exclusionHistory).toHaveLength(2);
    expect(clinical.patient.accessLog.totalCount).toBeGreaterThanOrEqual(3); // the patient's read and the app's two

    // Rows that change: the patient moves practice (by the national registration service), the app is revoked.
    await s.transferRegistration(ELSEWHERE, NHS);
    await s.ok(Scenario.nhse, `mutation($c: ID!) { revokeApp(clientId: $c) { revokedAt } }`, { c: APP });
    const revoked = await s.as<{ me: unknown }>(Scenario.app(APP, NHS), READ);
    expect(revoked.body.errors?.length).toBeGreaterThan(0);
    expect(revoked.body.data?.me ?? null).toBeNull();
    loggedAfterScenario = await logged();
  });

  it.each([
    'UPDATE access_log SET entry_count = 0',
    'DELETE FROM access_log',
    'TRUNCATE access_log',
    "UPDATE change_log SET action = 'nothing'",
    'DELETE FROM change_log',
    'UPDATE exclusion_event SET reason = NULL',
    'DELETE FROM exclusion_event',
    'DELETE FROM record_entry',
    'DELETE FROM patient',
    'DELETE FROM approved_app',
    'DELETE FROM trusted_operation',
    "UPDATE trusted_operation SET body = 'query X { me { nhsNumber } }'",
    'DELETE FROM app_rate_limit',
    'DELETE FROM app_patient_rate_limit',
    'DELETE FROM attempt_counter',
    'DROP TABLE access_log',
    'ALTER TABLE change_log DROP COLUMN action',
    'CREATE TABLE scratch (id integer)',
  ])('as the role, `%s` is refused: permission denied (42501)', async (statement) => {
    await expect(asService((client) => client.query(statement))).rejects.toMatchObject({ code: '42501' });
  });

  it('as the role, the logs read: every read and change above is there, and nothing was removed', async () => {
    const { rows } = await asService((client) =>
      client.query<{ actor_role: string; view: string; outcome: string; reads: number }>(
        `SELECT actor_role, view, outcome, count(*)::int AS reads FROM access_log WHERE nhs_number = $1
          GROUP BY actor_role, view, outcome ORDER BY actor_role, view, outcome`,
        [NHS],
      ),
    );
    expect(rows).toEqual([
      { actor_role: 'app', view: 'PATIENT', outcome: 'READ', reads: 2 },
      { actor_role: 'app', view: 'PATIENT', outcome: 'REFUSED', reads: 1 }, // once revoked
      { actor_role: 'clinician', view: 'CLINICAL', outcome: 'READ', reads: 3 }, // the clinical view, a filing, a hiding
      { actor_role: 'patient', view: 'PATIENT', outcome: 'READ', reads: 1 },
      { actor_role: 'registration', view: 'CLINICAL', outcome: 'MOVED', reads: 1 }, // the patient is told of the move
    ]);
    // Registered, excluded and lifted, three entries added, one filed, one hidden, moved; an app approved and revoked.
    expect(loggedAfterScenario.change).toBeGreaterThanOrEqual(11);
    expect(await logged()).toEqual(loggedAfterScenario);
  });

  it('the role alone can also start records on the migrated schema: TypeORM then only reads the migrations table', async () => {
    const database = await openDatabase(
      { kind: 'postgres', url: records.aloneUrl() },
      { entities: [], migrations: recordsDatabase.migrations },
    );
    await database.close();
  });
});
