import { recordsDatabase } from '../../subgraphs/records/server';
import { PatientEntity } from '../../subgraphs/records/entities/patient';
import { RecordEntryEntity, type RecordEntryRow } from '../../subgraphs/records/entities/record-entry';
import {
  clinicalViewPages,
  clinicalViewPagesStatement,
  type ClinicalViewQuery,
} from '../../subgraphs/records/store/entry-queries';
import { databaseKind, openFreshDatabase, type FreshDatabase } from '../helpers/database';

/**
 * The clinicians' pages of a batch of patients, in one statement, against the same pages worked
 * out in plain code: each patient's own entries only, newest recorded first (ties by id, newest
 * id first), strictly after the cursor, at most the page's limit. Entries share instants on
 * purpose, so a page boundary falls inside a run of equal instants.
 */
describe(`the clinicians' pages of a batch of patients (${databaseKind})`, () => {
  let database: FreshDatabase;
  const patients = ['9990001375', '9990002746', '9990003351', '9990004358'];
  const entries: RecordEntryRow[] = [];
  const base = Date.parse('2023-01-01T00:00:00.000Z');

  beforeAll(async () => {
    database = await openFreshDatabase('clinical_pages', recordsDatabase);
    await database.dataSource.getRepository(PatientEntity).insert(
      patients.map((nhsNumber) => ({
        nhsNumber,
        odsCode: 'A81001',
        dateOfBirth: '1980-01-01',
        registeredAt: new Date(base - 86_400_000),
      })),
    );
    // The first patient 13 entries, the second 3, the third 1, the fourth none; instants repeat.
    patients.slice(0, 3).forEach((nhsNumber, p) => {
      const count = [13, 3, 1][p]!;
      for (let i = 0; i < count; i += 1) {
        const at = new Date(base + Math.floor(i / 3) * 60_000);
        entries.push({
          id: `${p}-${String(i).padStart(2, '0')}-${'x'.repeat(30)}`,
          nhsNumber,
          type: 'APPOINTMENT',
          title: `entry ${i}`,
          body: '',
          recordedAt: at,
          filedAt: null,
          availableAt: at,
          hiddenFromPatient: i % 4 === 0,
          hiddenReason: null,
          recordedBy: 'A81001:clinician-1',
        });
      }
    });
    await database.dataSource.getRepository(RecordEntryEntity).insert(entries);
  }, 60_000);

  afterAll(() => database?.drop());

  const newestFirst = (a: RecordEntryRow, b: RecordEntryRow) =>
    b.recordedAt.getTime() - a.recordedAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
  const expected = (query: ClinicalViewQuery) =>
    entries
      .filter((entry) => entry.nhsNumber === query.nhsNumber)
      .sort(newestFirst)
      .filter((entry) => {
        if (!query.after) return true;
        const at = entry.recordedAt.getTime();
        return at < query.after.at || (at === query.after.at && entry.id < query.after.id);
      })
      .slice(0, query.limit)
      .map((entry) => entry.id);

  const pagesOf = async (queries: ClinicalViewQuery[]) => {
    const rows = await clinicalViewPages(database.dataSource, queries);
    return queries.map((query) => rows.filter((row) => row.nhsNumber === query.nhsNumber).map((row) => row.id));
  };

  it('gives each patient of a batch their own newest entries, up to their own limit', async () => {
    const queries = patients.map((nhsNumber, i) => ({ nhsNumber, after: null, limit: [4, 2, 6, 5][i]! }));
    expect(await pagesOf(queries)).toEqual(queries.map(expected));
    expect((await pagesOf(queries))[0]).toHaveLength(4);
  });

  it('continues strictly after each cursor, inside a run of equal instants too', async () => {
    const first = entries.filter((entry) => entry.nhsNumber === patients[0]).sort(newestFirst);
    // A cursor on the middle entry of three sharing an instant, another at the last entry, none for the rest.
    const queries: ClinicalViewQuery[] = [
      { nhsNumber: patients[0]!, after: { at: first[4]!.recordedAt.getTime(), id: first[4]!.id }, limit: 3 },
      { nhsNumber: patients[1]!, after: { at: base, id: entries.find((e) => e.nhsNumber === patients[1])!.id }, limit: 3 },
      { nhsNumber: patients[2]!, after: null, limit: 3 },
    ];
    const pages = await pagesOf(queries);
    expect(pages).toEqual(queries.map(expected));
    expect(pages[0]).toEqual(first.slice(5, 8).map((entry) => entry.id));
    expect(pages[1]).toEqual([]);
  });

  it('walks a whole record page by page, each entry once, in order', async () => {
    const seen: string[] = [];
    let after: ClinicalViewQuery['after'] = null;
    for (let page = 0; page < 10; page += 1) {
      const [ids] = await pagesOf([{ nhsNumber: patients[0]!, after, limit: 2 }]);
      if (ids!.length === 0) break;
      seen.push(...ids!);
      const last = entries.find((entry) => entry.id === ids![ids!.length - 1])!;
      after = { at: last.recordedAt.getTime(), id: last.id };
    }
    expect(seen).toEqual(
      entries
        .filter((entry) => entry.nhsNumber === patients[0])
        .sort(newestFirst)
        .map((e) => e.id),
    );
  });

  it('shows hidden entries to clinicians too (the clinical view is the whole record)', async () => {
    const [ids] = await pagesOf([{ nhsNumber: patients[1]!, after: null, limit: 10 }]);
    expect(ids).toContain(entries.find((entry) => entry.nhsNumber === patients[1] && entry.hiddenFromPatient)!.id);
  });

  it('is one statement text on PostgreSQL whatever the batch, so the planner plans one page, not fifty', () => {
    const one = clinicalViewPagesStatement([{ nhsNumber: patients[0]!, after: null, limit: 6 }], 'postgres')[0];
    const fifty = clinicalViewPagesStatement(
      Array.from({ length: 50 }, (_, i) => ({ nhsNumber: `999000${String(i).padStart(4, '0')}`, after: null, limit: 6 })),
      'postgres',
    )[0];
    const withCursor = clinicalViewPagesStatement(
      [{ nhsNumber: patients[0]!, after: { at: base, id: 'a' }, limit: 6 }],
      'postgres',
    )[0];
    expect(fifty).toBe(one);
    expect(withCursor).toBe(one);
    expect(one).toMatch(/CROSS JOIN LATERAL/);
  });
});
