import { randomUUID } from 'node:crypto';
import { inOneTurn } from '../../patches/typeorm-sqlite-transactions';
import { checkRecordVersion } from '../../subgraphs/records/store/record-version';
import { PatientRecordVersion1764400000002 } from '../../subgraphs/records/migrations/1764400000002-patient-record-version';
import { recordsDatabase } from '../../subgraphs/records/server';
import { insertPatientsWithEntries, testNhsNumbers } from '../helpers/bulk-records';
import { databaseKind, openFreshDatabase, type FreshDatabase } from '../helpers/database';
import { Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * A first page's `totalCount` is kept between requests and reused only while counting again
 * would give the same (kept-counts.ts): the patient's record version, which the database changes
 * with every write to their entries, whoever writes, is the same, and no entry of theirs became
 * available since. Each way the count can change shows in the very next page.
 */
describe('the count of a patient’s entries, kept between requests', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const practice = 'A86001';
  const FIRST_PAGE = '{ me { record(first: 3) { totalCount edges { node { title } } } } }';
  const numbers = testNhsNumbers(8, 700);
  let nextPatient = 0;
  type Page = { me: { record: { totalCount: number; edges: { node: { title: string } }[] } } };

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: '2023-01-01T09:00:00.000Z' });
    s = new Scenario(supergraph);
    await s.createPractice(practice, 'EMIS');
    await s.switchOn(practice, 'EMIS');
    s.at('2024-06-01T09:00:00.000Z');
  }, 60_000);
  afterAll(() => supergraph?.stop());

  /** A patient of their own for each test: 10 entries a minute apart from 2 January 2023, every 5th hidden (8 visible). */
  async function newPatient(): Promise<string> {
    const nhsNumber = numbers[nextPatient++]!;
    await insertPatientsWithEntries(supergraph.subgraphs.records.database.dataSource, {
      odsCode: practice,
      nhsNumbers: [nhsNumber],
      registeredAt: new Date('2020-01-01T00:00:00.000Z'),
      entriesEach: 10,
      from: new Date('2023-01-02T00:00:00.000Z'),
      hiddenEvery: 5,
    });
    return nhsNumber;
  }

  /** The page's totalCount, and the SQL statements it cost the records subgraph. */
  async function page(nhsNumber: string): Promise<{ total: number; statements: number }> {
    const counter = supergraph.subgraphs.records.database.statements;
    const before = counter.count;
    const data = await s.ok<Page>(Scenario.patient(nhsNumber), FIRST_PAGE);
    return { total: data.me.record.totalCount, statements: counter.count - before };
  }

  const records = () => supergraph.subgraphs.records.database.dataSource;
  const param = (n: number) => (databaseKind === 'postgres' ? `$${n}` : '?');

  /** An entry written at a SQL prompt, past the service: available when filed, else when recorded. */
  async function typedIn(
    nhsNumber: string,
    entry: { type: string; title: string; recordedAt: string; filedAt: string | null },
  ): Promise<void> {
    const recordedAt = Date.parse(entry.recordedAt);
    const filedAt = entry.filedAt === null ? null : Date.parse(entry.filedAt);
    await records().query(
      `INSERT INTO record_entry (id, nhs_number, type, title, body, recorded_at, filed_at, available_at, hidden_from_patient, hidden_reason, recorded_by)
       VALUES (${[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(param).join(', ')})`,
      [randomUUID(), nhsNumber, entry.type, entry.title, 'b', recordedAt, filedAt, filedAt ?? recordedAt, false, null, 'dba'],
    );
  }

  it('is counted once, then reused (one statement fewer) for a later page of the same patient', async () => {
    const patient = await newPatient();
    const first = await page(patient);
    expect(first.total).toBe(8);
    s.at('2024-06-01T09:05:00.000Z');
    const again = await page(patient);
    expect(again).toEqual({ total: 8, statements: first.statements - 1 });
  });

  it('counts again after each write to the patient’s entries: through the API, and at a SQL prompt', async () => {
    const patient = await newPatient();
    expect((await page(patient)).total).toBe(8);
    const id = await s.addEntry(practice, patient, 'a new entry');
    expect((await page(patient)).total).toBe(9);
    await s.hideEntry(practice, id);
    expect((await page(patient)).total).toBe(8);
    await typedIn(patient, { type: 'APPOINTMENT', title: 'typed in', recordedAt: '2024-05-01T00:00:00.000Z', filedAt: null });
    expect((await page(patient)).total).toBe(9);
    await records().query(
      `UPDATE record_entry SET hidden_from_patient = ${param(1)} WHERE nhs_number = ${param(2)} AND title = ${param(3)}`,
      [true, patient, 'typed in'],
    );
    expect((await page(patient)).total).toBe(8);
    await records().query(`DELETE FROM record_entry WHERE nhs_number = ${param(1)} AND title = ${param(2)}`, [
      patient,
      'entry 0',
    ]);
    expect((await page(patient)).total).toBe(7);
  });

  it('counts an entry from the very instant it becomes available, with no write in between', async () => {
    const patient = await newPatient();
    await typedIn(patient, {
      type: 'TEST_RESULT',
      title: 'filed later',
      recordedAt: '2024-06-01T08:00:00.000Z',
      filedAt: '2024-06-01T10:00:00.000Z',
    });
    s.at('2024-06-01T09:00:00.000Z');
    expect((await page(patient)).total).toBe(8);
    s.at('2024-06-01T09:59:59.999Z');
    const before = await page(patient);
    expect(before.total).toBe(8);
    s.at('2024-06-01T10:00:00.000Z');
    expect((await page(patient)).total).toBe(9);
    // And kept again from then.
    s.at('2024-06-01T10:00:00.001Z');
    expect(await page(patient)).toEqual({ total: 9, statements: before.statements });
  });

  it('is the patient’s own: a write to another patient’s entries leaves it kept', async () => {
    const patient = await newPatient();
    const other = await newPatient();
    const first = await page(patient);
    await s.addEntry(practice, other, 'for the other patient');
    expect(await page(patient)).toEqual({ total: 8, statements: first.statements - 1 });
  });

  it('follows the access periods: nothing while paused, and after the resume what came during the pause is not counted', async () => {
    const patient = await newPatient();
    expect((await page(patient)).total).toBe(8);
    s.at('2024-06-02T09:00:00.000Z');
    await s.pause(practice);
    s.at('2024-06-02T10:00:00.000Z');
    await s.addEntry(practice, patient, 'during the pause');
    expect((await page(patient)).total).toBe(0); // while paused, nothing is shown
    s.at('2024-06-03T09:00:00.000Z');
    await s.resume(practice);
    s.at('2024-06-03T10:00:00.000Z');
    await s.addEntry(practice, patient, 'after the resume');
    expect((await page(patient)).total).toBe(9);
  });
});

describe('the record version’s start-up check', () => {
  let opened: FreshDatabase | undefined;
  afterEach(async () => {
    await opened?.drop();
    opened = undefined;
  });

  it('refuses a record_entry a migration left without its triggers (SQLite drops them with a rebuilt table)', async () => {
    opened = await openFreshDatabase('record-version', recordsDatabase);
    await checkRecordVersion(opened.dataSource);
    const trigger = databaseKind === 'postgres' ? 'patient_record_version_changed' : 'patient_record_version_update';
    await opened.dataSource.query(
      databaseKind === 'postgres' ? `DROP TRIGGER "${trigger}" ON record_entry` : `DROP TRIGGER "${trigger}"`,
    );
    await expect(checkRecordVersion(opened.dataSource)).rejects.toThrow(
      `patients' record versions no longer see writes to record_entry (missing triggers: ${trigger})`,
    );
  });

  it('goes back whole (its triggers and column) and comes again', async () => {
    opened = await openFreshDatabase('record-version', recordsDatabase);
    const dataSource = opened.dataSource;
    // Back to before the record version's migration, however many have come after it.
    const after = recordsDatabase.migrations.length - recordsDatabase.migrations.indexOf(PatientRecordVersion1764400000002);
    for (let undone = 0; undone < after; undone += 1) await inOneTurn(dataSource, () => dataSource.undoLastMigration());
    await expect(checkRecordVersion(dataSource)).rejects.toThrow('missing triggers');
    const runner = dataSource.createQueryRunner();
    const columns = (await runner.getTable('patient'))!.columns.map((column) => column.name);
    await runner.release();
    expect(columns).not.toContain('record_version');
    await inOneTurn(dataSource, () => dataSource.runMigrations({ transaction: 'each' }));
    await checkRecordVersion(dataSource);
  });

  it('gives every patient a new version with each write to their entries, and on PostgreSQL with TRUNCATE', async () => {
    opened = await openFreshDatabase('record-version', recordsDatabase);
    const dataSource = opened.dataSource;
    await insertPatientsWithEntries(dataSource, {
      odsCode: 'A86002',
      nhsNumbers: testNhsNumbers(2, 800),
      registeredAt: new Date('2020-01-01T00:00:00.000Z'),
      entriesEach: 2,
      from: new Date('2023-01-02T00:00:00.000Z'),
      hiddenEvery: 5,
    });
    const versions = async () =>
      (await dataSource.query<{ record_version: string }[]>('SELECT record_version FROM patient ORDER BY nhs_number')).map(
        (row) => row.record_version,
      );
    const first = await versions();
    for (const version of first) expect(version).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(first).size).toBe(2);
    await dataSource.query(`UPDATE record_entry SET title = 'retitled' WHERE nhs_number = '${testNhsNumbers(1, 800)[0]}'`);
    const second = await versions();
    expect(second[0]).not.toBe(first[0]);
    expect(second[1]).toBe(first[1]);
    if (databaseKind === 'postgres') {
      await dataSource.query('TRUNCATE record_entry');
      const third = await versions();
      expect(third[0]).not.toBe(second[0]);
      expect(third[1]).not.toBe(second[1]);
    }
  });
});
