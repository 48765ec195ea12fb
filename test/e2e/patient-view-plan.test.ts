import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../subgraphs/runtime/database';
import {
  clinicalViewPages,
  clinicalViewPagesStatement,
  patientViewCountsStatement,
  patientViewPagesStatement,
  run,
  type PatientViewQuery,
} from '../../subgraphs/records/store/entry-queries';
import { recordsDatabase } from '../../subgraphs/records/server';
import { databaseKind } from '../helpers/database';

/**
 * A patient's first page costs the same whatever the size of their record: its statements are
 * range scans of the patient view's index that read nothing else. The page stops after its
 * LIMIT; the count reads the index alone (a covering index: no entry's row is read to test
 * hidden_from_patient). SQLite's plan, on a database migrated as the service migrates it.
 * (PostgreSQL chooses its plan from statistics, so the same check would be about its data, not
 * our schema; the bench measures it.)
 */
const onSqlite = databaseKind === 'sqlite' ? describe : describe.skip;

onSqlite('the patient view’s query plan', () => {
  let dir: string;
  let database: Database;
  const query: PatientViewQuery = {
    nhsNumber: '9990001375',
    window: {
      notAfter: new Date('2024-06-01T00:00:00.000Z'),
      stretches: [
        { from: Date.parse('2022-11-01T00:00:00.000Z'), to: Date.parse('2023-01-01T00:00:00.000Z') },
        { from: Date.parse('2023-03-01T00:00:00.000Z'), to: null },
      ],
    },
    types: null,
    after: null,
    limit: 20,
  };
  const plan = async ([sql, params]: [string, Record<string, unknown>]) =>
    (await run(database.dataSource, `EXPLAIN QUERY PLAN ${sql}`, params)).map((row) => String(row.detail));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cas-plan-'));
    database = await openDatabase({ kind: 'sqlite', path: join(dir, 'records.sqlite') }, recordsDatabase);
  });
  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts a patient’s visible entries from the covering index alone, and seeks the next one to come in it', async () => {
    const details = await plan(patientViewCountsStatement([query]));
    const searches = details.filter((detail) => detail.includes('record_entry'));
    // The count's range scan, and the earliest availability after the window (a seek of the same index).
    expect(searches).toHaveLength(2);
    for (const search of searches)
      expect(search).toMatch(
        /^SEARCH record_entry USING COVERING INDEX record_entry_patient_visible \(nhs_number=\? AND hidden_from_patient=\? AND available_at/,
      );
  });

  it('reads a page by a range scan of the same index in its order (no sort), for every patient of a batch', async () => {
    const details = await plan(patientViewPagesStatement([query, { ...query, nhsNumber: '9990001383' }]));
    const scans = details.filter((detail) => detail.includes('record_entry'));
    expect(scans).toHaveLength(2);
    for (const scan of scans)
      expect(scan).toMatch(
        /^SEARCH record_entry USING INDEX record_entry_patient_visible \(nhs_number=\? AND hidden_from_patient=\? AND available_at/,
      );
    expect(details.filter((detail) => detail.includes('TEMP B-TREE'))).toEqual([]);
  });

  it('runs a page again without compiling it again (SQLite recompiles a plan that hangs on a bound value)', () => {
    type Prepared = { all(...values: unknown[]): unknown[]; bind(...values: unknown[]): Prepared };
    const connection = (database.dataSource.driver as unknown as { databaseConnection: { prepare(sql: string): Prepared } })
      .databaseConnection;
    const [sql, values] = database.dataSource.driver.escapeQueryWithParameters(...patientViewPagesStatement([query]));
    // Bound once for good, a statement's values never change, so SQLite never recompiles it: the floor.
    const boundOnce = connection.prepare(sql).bind(...values);
    // Bound on each run, as TypeORM runs it (better-sqlite3 then clears the values).
    const boundEachRun = connection.prepare(sql);
    const timed = (run: () => void) => {
      const started = performance.now();
      for (let i = 0; i < 300; i += 1) run();
      return performance.now() - started;
    };
    const floor: number[] = [];
    const asRun: number[] = [];
    for (let round = 0; round < 9; round += 1) {
      floor.push(timed(() => boundOnce.all()));
      asRun.push(timed(() => boundEachRun.all(...values)));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    // Recompiled on every run it cost six times the floor; binding alone costs a little.
    expect(median(asRun)).toBeLessThan(1.5 * median(floor));
  });

  it('still answers the clinical view (its own index) on the migrated schema', async () => {
    expect(await clinicalViewPages(database.dataSource, [{ nhsNumber: query.nhsNumber, after: null, limit: 5 }])).toEqual([]);
  });

  it('reads each clinical page of a batch by a range scan of its index in its order (no sort), cursor or not', async () => {
    const details = await plan(
      clinicalViewPagesStatement(
        [
          { nhsNumber: query.nhsNumber, after: null, limit: 6 },
          { nhsNumber: '9990001383', after: { at: Date.parse('2023-01-01T00:00:00.000Z'), id: 'a' }, limit: 6 },
        ],
        'better-sqlite3',
      ),
    );
    const scans = details.filter((detail) => detail.includes('record_entry'));
    expect(scans).toHaveLength(2);
    for (const scan of scans)
      expect(scan).toMatch(/^SEARCH record_entry USING INDEX record_entry_patient_recorded \(nhs_number=\?/);
    expect(details.filter((detail) => detail.includes('TEMP B-TREE'))).toEqual([]);
  });
});
