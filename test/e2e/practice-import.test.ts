import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ManualClock } from '../../platform/clock';
import { openDatabase } from '../../subgraphs/runtime/database';
import { IntegratedCareBoardEntity } from '../../subgraphs/practices/entities/integrated-care-board';
import { PracticeEntity, type PracticeRow } from '../../subgraphs/practices/entities/practice';
import { seedPractices } from '../../subgraphs/practices/seed';
import { practicesDatabase } from '../../subgraphs/practices/server';
import { DEMO_PRACTICES } from '../../subgraphs/demo-world/practices';
import { exitCodeOf, importPracticesFile, summaryOf, type ImportOutcome } from '../../subgraphs/practices/import/practice-file';
import { Scenario } from '../helpers/scenario';
import { openFreshDatabase, type FreshDatabase } from '../helpers/database';
import { startSupergraph } from '../helpers/supergraph';

/**
 * `npm run import:practices -- FILE` on real databases (SQLite, and PostgreSQL when
 * TEST_DATABASE_URL is set): the function the CLI runs, the CLI itself as a child process,
 * and the imported practices read back through the gateway.
 */
const root = join(__dirname, '..', '..');
const SAMPLE = join(root, 'samples', 'epraccur.csv');
const BAD_ROWS = join(root, 'test', 'fixtures', 'epraccur-bad-rows.csv');
const BROKEN_QUOTES = join(root, 'test', 'fixtures', 'epraccur-broken-quotes.csv');
const MONTH_LATER = join(root, 'test', 'fixtures', 'epraccur-month-later.csv');

const SAMPLE_GP_CODES = [
  'A84501',
  'B84001',
  'B84004',
  'C84101',
  'D84701',
  'H84301',
  ...Array.from({ length: 14 }, (_, i) => `Y061${String(i + 1).padStart(2, '0')}`),
];

describe('importing the ODS GP practice file', () => {
  let opened: FreshDatabase;

  beforeEach(async () => {
    opened = await openFreshDatabase('practices', practicesDatabase);
  });

  afterEach(() => opened?.drop());

  const run = (file: string, now = '2024-05-01T10:00:00.000Z') =>
    importPracticesFile(file, opened.dataSource, { now: new Date(now) });

  const imported = (outcome: ImportOutcome) => {
    if (outcome.kind !== 'imported') throw new Error(`expected an import, got: ${outcome.message}`);
    return outcome;
  };

  const practices = () => opened.dataSource.getRepository(PracticeEntity).find({ order: { odsCode: 'ASC' } });
  const practice = (odsCode: string) => opened.dataSource.getRepository(PracticeEntity).findOneByOrFail({ odsCode });
  const icbs = () => opened.dataSource.getRepository(IntegratedCareBoardEntity).find({ order: { code: 'ASC' } });
  /** Every stored column, updated_at included, as the database holds it. */
  const rawPractices = (): Promise<{ ods_code: string }[]> => opened.dataSource.query('SELECT * FROM practice ORDER BY ods_code');

  it('adds every GP practice of the sample with supplier UNKNOWN, skips the non-GP rows and creates their ICBs', async () => {
    const outcome = imported(await run(SAMPLE));
    expect(outcome.counts).toEqual({
      added: 20,
      updated: 0,
      unchanged: 0,
      icbsAdded: ['QE1', 'QF7', 'QHM', 'QMM', 'QOQ', 'QUE', 'QWE', 'QWO', 'QYG'],
    });
    expect(Object.fromEntries(outcome.skipped)).toEqual({ '2': 1, '25': 1 });
    expect(outcome.rejected).toEqual([]);
    expect(exitCodeOf(outcome)).toBe(0);

    const stored = await practices();
    expect(stored.map((row) => row.odsCode)).toEqual(SAMPLE_GP_CODES);
    expect(stored.every((row) => row.supplier === 'UNKNOWN')).toBe(true);
    expect(stored.some((row) => ['Y02625', 'Y01069'].includes(row.odsCode))).toBe(false);
    expect(await practice('Y06101')).toEqual({
      odsCode: 'Y06101',
      name: 'DR AHMED, OKAFOR AND PARTNERS',
      postcode: 'BD1 4AS',
      supplier: 'UNKNOWN',
      icbCode: 'QWO',
      status: 'ACTIVE',
      openedOn: '2004-04-01',
      closedOn: null,
      updatedAt: new Date('2024-05-01T10:00:00.000Z'),
    });
    expect(await practice('Y06104')).toMatchObject({ status: 'CLOSED', openedOn: '1995-04-01', closedOn: '2023-03-31' });
    expect(await practice('Y06106')).toMatchObject({ status: 'DORMANT', closedOn: null });
    expect(await practice('Y06114')).toMatchObject({ status: 'PROPOSED', openedOn: '2026-04-01' });
    expect(await icbs()).toContainEqual({ code: 'QMM', name: 'NHS Norfolk and Waveney Integrated Care Board' });
  });

  it('a second run of the same file reports everything unchanged and changes nothing, not even updated_at', async () => {
    imported(await run(SAMPLE, '2024-05-01T10:00:00.000Z'));
    const before = await rawPractices();
    const icbsBefore = await icbs();

    const again = imported(await run(SAMPLE, '2024-06-01T10:00:00.000Z'));
    expect(again.counts).toEqual({ added: 0, updated: 0, unchanged: 20, icbsAdded: [] });
    expect(exitCodeOf(again)).toBe(0);
    expect(await rawPractices()).toEqual(before);
    expect(await icbs()).toEqual(icbsBefore);
  });

  it('a month later: a practice that moved ICB, one that closed and one renamed are updated, and only they', async () => {
    imported(await run(SAMPLE, '2024-05-01T10:00:00.000Z'));
    const outcome = imported(await run(MONTH_LATER, '2024-06-01T10:00:00.000Z'));
    expect(outcome.counts).toEqual({ added: 0, updated: 3, unchanged: 17, icbsAdded: [] });

    expect(await practice('Y06103')).toMatchObject({ icbCode: 'QE1', status: 'ACTIVE' });
    // A closed practice is kept and marked, never deleted.
    expect(await practice('Y06102')).toMatchObject({ status: 'CLOSED', closedOn: '2024-06-30', openedOn: '2005-10-01' });
    expect(await practice('Y06113')).toMatchObject({ name: 'TOOTING BEC MEDICAL PRACTICE' });
    const touched = (await practices()).filter((row) => row.updatedAt.toISOString() === '2024-06-01T10:00:00.000Z');
    expect(touched.map((row) => row.odsCode)).toEqual(['Y06102', 'Y06103', 'Y06113']);
  });

  it('over the demo practices: reports them updated, keeps their supplier and leaves existing ICB names alone', async () => {
    await seedPractices(opened.dataSource, new ManualClock('2024-01-01T00:00:00.000Z'));
    await opened.dataSource
      .getRepository(IntegratedCareBoardEntity)
      .upsert({ code: 'QMM', name: 'Norfolk and Waveney (as NHS England named it)' }, ['code']);
    const outcome = imported(await run(SAMPLE));
    expect(outcome.counts).toEqual({ added: 14, updated: 6, unchanged: 0, icbsAdded: ['QOQ', 'QYG'] });

    const demo = DEMO_PRACTICES.find((row) => row.odsCode === 'B84001')!;
    expect(await practice('B84001')).toMatchObject({
      name: 'STATION ROAD SURGERY',
      supplier: demo.supplier,
      icbCode: 'QWO',
      openedOn: '1974-04-01',
    });
    expect(demo.supplier).not.toBe('UNKNOWN');
    // Demo practices the file does not mention are left alone.
    const untouched = DEMO_PRACTICES.find((row) => row.odsCode === 'B84007')!;
    expect(await practice('B84007')).toMatchObject({ name: untouched.name, status: 'ACTIVE', openedOn: null });
    expect((await icbs()).find((icb) => icb.code === 'QMM')!.name).toBe('Norfolk and Waveney (as NHS England named it)');
  });

  it('a file with bad rows: applies the valid ones, lists each rejected line with its reason, exits 2', async () => {
    imported(await run(SAMPLE));
    const sampleRows = await rawPractices();
    const outcome = imported(await run(BAD_ROWS, '2024-06-01T10:00:00.000Z'));
    expect(outcome.counts).toMatchObject({ added: 2, updated: 0, unchanged: 0 });
    expect(Object.fromEntries(outcome.skipped)).toEqual({ '2': 1 });
    expect(exitCodeOf(outcome)).toBe(2);

    const summary = summaryOf(BAD_ROWS, outcome);
    expect(summary.split('\n').filter((line) => line.startsWith('  line '))).toEqual([
      '  line 2 (Y07002): has 20 columns, expected 27',
      '  line 3 (Y07003): has 28 columns, expected 27',
      '  line 4 (Y07001): duplicate of line 1',
      '  line 5 (Y07004): open date "20230230" is not a real calendar day',
      '  line 6 (Y07005): open date "2023-01-01" is not a date in YYYYMMDD form',
      '  line 7 (Y07006): close date 2019-01-01 is before open date 2020-01-01',
      '  line 8 (Y07007): status code "X" is not A, C, D or P',
      '  line 9 (Y07008): status C (closed) without a close date',
      '  line 10 (Y07009): unknown ICB QZZ',
      '  line 11 (Y07010): postcode "NOT A POSTCODE" is not a UK postcode',
      '  line 12 (Y07011): name is empty',
      '  line 13: ODS code "Y0701" is not one letter and five digits',
    ]);
    expect(summary).toContain('rejected:  12');
    expect(summary).toContain('skipped:   1 (not GP practices, by prescribing setting: 2: 1)');
    // Never a whole row: no addresses, no names.
    expect(summary).not.toMatch(/HIGH STREET|PRACTICE Y07/);

    // The first of two rows for a code stands; the valid row with its ICB in the commissioner column is applied.
    expect(await practice('Y07001')).toMatchObject({ name: 'PRACTICE Y07001' });
    expect(await practice('Y07012')).toMatchObject({ icbCode: 'QF7' });
    const codes = (await practices()).map((row) => row.odsCode);
    expect(codes.filter((code) => code.startsWith('Y070'))).toEqual(['Y07001', 'Y07012']);
    // Practices absent from the file are left alone.
    expect((await rawPractices()).filter((row) => !row.ods_code.startsWith('Y070'))).toEqual(sampleRows);
  });

  it('a file that cannot be parsed (a broken quote) changes nothing and exits 1, even for the rows before it', async () => {
    imported(await run(SAMPLE));
    const before = await rawPractices();
    const outcome = await run(BROKEN_QUOTES);
    expect(outcome).toEqual({ kind: 'unreadable', message: expect.stringMatching(/Invalid Closing Quote.*line 2/) });
    expect(exitCodeOf(outcome)).toBe(1);
    expect(summaryOf(BROKEN_QUOTES, outcome)).toContain('Nothing was changed.');
    expect(await rawPractices()).toEqual(before);
  });

  it('a file that does not exist exits 1', async () => {
    const outcome = await run(join(root, 'test', 'fixtures', 'no-such-file.csv'));
    expect(outcome).toMatchObject({ kind: 'unreadable', message: expect.stringContaining('ENOENT') });
    expect(exitCodeOf(outcome)).toBe(1);
  });

  it('the imported practices read through the gateway: status, dates, supplier UNKNOWN, the status filter', async () => {
    imported(await run(SAMPLE));
    await opened.close();
    const supergraph = await startSupergraph({ databases: { practices: opened.config } });
    try {
      const s = new Scenario(supergraph);
      const data = await s.ok<{
        closed: Record<string, unknown>;
        dormant: Record<string, unknown>;
        active: { totalCount: number; edges: { node: { odsCode: string } }[] };
        closedOnes: { edges: { node: { odsCode: string } }[] };
        southYorkshire: { practices: { edges: { node: { odsCode: string } }[] } };
      }>(
        Scenario.analyst,
        `{
          closed: practice(odsCode: "Y06104") { odsCode name status openedOn closedOn supplier icb { code name } }
          dormant: practice(odsCode: "Y06106") { status openedOn closedOn supplier }
          active: practices(first: 200, status: ACTIVE) { totalCount edges { node { odsCode } } }
          closedOnes: practices(first: 200, status: CLOSED) { edges { node { odsCode } } }
          southYorkshire: integratedCareBoard(code: "QF7") { practices(status: CLOSED) { edges { node { odsCode } } } }
        }`,
      );
      expect(data.closed).toEqual({
        odsCode: 'Y06104',
        name: 'ABBEY LANE SURGERY',
        status: 'CLOSED',
        openedOn: '1995-04-01',
        closedOn: '2023-03-31',
        supplier: 'UNKNOWN',
        icb: { code: 'QF7', name: 'NHS South Yorkshire Integrated Care Board' },
      });
      expect(data.dormant).toEqual({ status: 'DORMANT', openedOn: '2009-01-01', closedOn: null, supplier: 'UNKNOWN' });
      expect(data.closedOnes.edges.map((edge) => edge.node.odsCode)).toEqual(['Y06104', 'Y06112']);
      expect(data.southYorkshire.practices.edges.map((edge) => edge.node.odsCode)).toEqual(['Y06104']);
      expect(data.active.totalCount).toBe(16);
      expect(data.active.edges.map((edge) => edge.node.odsCode)).not.toContain('Y06104');
    } finally {
      await supergraph.stop();
    }
  }, 60_000);
});

describe('npm run import:practices, as a child process', () => {
  const execute = promisify(execFile);
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cas-import-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** Runs the CLI against the SQLite file under DATA_DIR, as the practices service would use it. */
  async function cli(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    delete env.PRACTICES_DATABASE_URL;
    try {
      const { stdout, stderr } = await execute(join(root, 'node_modules', '.bin', 'tsx'), ['scripts/import-practices.ts', file], {
        cwd: root,
        env,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it('imports the sample (exit 0), reports bad rows (exit 2) and refuses a broken file (exit 1)', async () => {
    const first = await cli(SAMPLE);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Practices import from epraccur.csv');
    expect(first.stdout).toMatch(/added: +20\n {2}updated: +0\n {2}unchanged: +0\n {2}skipped: +2 .*\n {2}rejected: +0/);
    // Not a terminal: the progress goes to stderr a line at a time, ending at 100%.
    expect(first.stderr).toContain('Reading epraccur.csv: 100%');

    const again = await cli(SAMPLE);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/added: +0\n {2}updated: +0\n {2}unchanged: +20/);

    const bad = await cli(BAD_ROWS);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain('line 4 (Y07001): duplicate of line 1');
    expect(bad.stdout).toContain('line 5 (Y07004): open date "20230230" is not a real calendar day');

    const broken = await cli(BROKEN_QUOTES);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('Cannot import epraccur-broken-quotes.csv');
    expect(broken.stderr).toContain('Nothing was changed.');

    const usage = await cli('');
    expect(usage.code).toBe(1);

    // The practices service's own database file under DATA_DIR holds the result.
    const stored = await openDatabase(
      { kind: 'sqlite', path: join(dataDir, 'practices.sqlite') },
      { entities: practicesDatabase.entities, migrations: practicesDatabase.migrations },
    );
    try {
      const rows: PracticeRow[] = await stored.dataSource.getRepository(PracticeEntity).find();
      expect(rows).toHaveLength(22);
      expect(rows.find((row) => row.odsCode === 'Y08001')).toBeUndefined();
    } finally {
      await stored.close();
    }
  }, 120_000);
});
