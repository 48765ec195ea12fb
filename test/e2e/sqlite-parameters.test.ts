import Sqlite from 'better-sqlite3';
import { insertPatientsWithEntries, testNhsNumbers } from '../helpers/bulk-records';
import { databaseKind } from '../helpers/database';
import { Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * On SQLite an integer parameter is bound, not written into the SQL text (bindIntegersAsParameters):
 * a statement keeps one text whatever the instant it holds, so it is compiled once, and it means
 * what the literal meant.
 */
const onSqlite = databaseKind === 'sqlite' ? describe : describe.skip;

onSqlite('integers bound as SQLite parameters', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const [patient] = testNhsNumbers(1, 500);
  const FIRST_PAGE = '{ me { onlineAccess { state } record(first: 5) { totalCount edges { node { id availableAt } } } } }';

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: '2023-01-01T09:00:00.000Z' });
    s = new Scenario(supergraph);
    await s.createPractice('A83001', 'EMIS');
    await s.switchOn('A83001', 'EMIS');
    await insertPatientsWithEntries(supergraph.subgraphs.records.database.dataSource, {
      odsCode: 'A83001',
      nhsNumbers: [patient!],
      registeredAt: new Date('2020-01-01T00:00:00.000Z'),
      entriesEach: 12,
      from: new Date('2023-01-02T00:00:00.000Z'),
      hiddenEvery: 5,
    });
  }, 60_000);
  afterAll(() => supergraph?.stop());

  /** Statements SQLite compiles (better-sqlite3's prepare, still run) while `work` runs, in any of the subgraphs. */
  async function compiledDuring(work: () => Promise<unknown>): Promise<string[]> {
    const spy = jest.spyOn(Sqlite.prototype, 'prepare'); // calls through: every statement still runs
    try {
      await work();
      return spy.mock.calls.map(([source]) => source);
    } finally {
      spy.mockRestore();
    }
  }

  it('compiles nothing new for a first page asked again at other instants (the instant is a parameter)', async () => {
    type Page = { me: { record: { totalCount: number } } };
    s.at('2023-02-01T09:00:00.000Z');
    expect((await s.ok<Page>(Scenario.patient(patient!), FIRST_PAGE)).me.record.totalCount).toBe(10);
    // Entries are a minute apart from 2 January 00:00 (every 5th hidden): the answers move with the clock.
    const totals: number[] = [];
    const compiled = await compiledDuring(async () => {
      for (const instant of [
        '2023-02-01T09:00:00.001Z',
        '2023-01-02T00:05:30.000Z',
        '2023-01-02T00:02:00.000Z',
        '2023-03-01T00:00:00.000Z',
      ]) {
        s.at(instant);
        totals.push((await s.ok<Page>(Scenario.patient(patient!), FIRST_PAGE)).me.record.totalCount);
      }
    });
    expect(totals).toEqual([10, 5, 3, 10]);
    expect(compiled).toEqual([]);
  });

  it('binds a safe integer as an SQLite INTEGER, as the literal was; anything else as before', async () => {
    const dataSource = supergraph.subgraphs.records.database.dataSource;
    const ask = async (sql: string, parameters: Record<string, unknown>) => {
      const [text, values] = dataSource.driver.escapeQueryWithParameters(sql, parameters);
      return { text, rows: await dataSource.query<Record<string, unknown>[]>(text, values) };
    };
    const integer = await ask('SELECT typeof(:n) AS t, :n AS v, CAST(:n AS VARCHAR(20)) AS s', { n: 1795573243688 });
    expect(integer.text).not.toContain('1795573243688');
    expect(integer.rows).toEqual([{ t: 'integer', v: 1795573243688, s: '1795573243688' }]);
    const negative = await ask('SELECT typeof(:n) AS t, :n AS v', { n: -5 });
    expect(negative.rows).toEqual([{ t: 'integer', v: -5 }]);
    // A fraction, and an integer too large to be exact, are written into the text as TypeORM writes them.
    const fraction = await ask('SELECT typeof(:n) AS t, :n AS v', { n: 2.5 });
    expect(fraction.text).toContain('2.5');
    expect(fraction.rows).toEqual([{ t: 'real', v: 2.5 }]);
    expect((await ask('SELECT :n AS v', { n: 2 ** 53 })).text).toContain(String(2 ** 53));
    // Not a number: refused by SQLite, never bound as NULL (which would match nothing and say nothing).
    await expect(ask('SELECT :n AS v', { n: Number.NaN })).rejects.toThrow();
    // Strings, booleans and lists are bound as they were.
    const others = await ask('SELECT :a AS a, :b AS b, 3 IN (:...c) AS c', { a: '0042', b: true, c: [1, 2, 3] });
    expect(others.rows).toEqual([{ a: '0042', b: 1, c: 1 }]);
  });
});
