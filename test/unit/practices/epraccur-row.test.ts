import { parse } from 'csv-parse/sync';
import { EpraccurRows, odsDate, readEpraccurRow, type RowContext } from '../../../subgraphs/practices/import/epraccur-row';

/** The columns of the ODS GP practice file we fill in by name (1-based, as docs/domain.md numbers them). */
const COLUMN = {
  odsCode: 1,
  name: 2,
  geography: 4,
  postcode: 10,
  openDate: 11,
  closeDate: 12,
  status: 13,
  commissioner: 15,
  setting: 26,
} as const;

/** A valid epraccur record (27 fields), with the named columns overridden. */
function record(overrides: Partial<Record<keyof typeof COLUMN, string>> = {}): string[] {
  const fields = Array.from({ length: 27 }, () => '');
  const values = {
    odsCode: 'A81001',
    name: 'THE DENSHAM SURGERY',
    geography: 'QHM',
    postcode: 'TS18 1HU',
    openDate: '19740401',
    closeDate: '',
    status: 'A',
    commissioner: '16C',
    setting: '4',
    ...overrides,
  };
  for (const [key, value] of Object.entries(values)) fields[COLUMN[key as keyof typeof COLUMN] - 1] = value;
  fields[2] = 'Y63';
  fields[4] = 'LAWSON STREET';
  fields[13] = 'B';
  return fields;
}

const context = (known = ['QHM', 'QWO', 'QF7'], seen: Record<string, number> = {}): RowContext => ({
  isKnownIcb: (code) => known.includes(code),
  firstSeenOn: (odsCode) => seen[odsCode],
});

const read = (fields: string[], ctx = context()) => readEpraccurRow(fields, 7, ctx);
const reasonOf = (fields: string[], ctx = context()) => {
  const row = read(fields, ctx);
  if (row.kind !== 'rejected') throw new Error(`expected a rejection, got ${row.kind}`);
  return row.reason;
};

describe('reading one record of the ODS GP practice file', () => {
  it('reads a valid record into a practice: trimmed name, normalised postcode, ISO dates, the ICB of column 4', () => {
    expect(read(record({ name: '  THE DENSHAM SURGERY ', postcode: 'ts181hu' }))).toEqual({
      kind: 'practice',
      line: 7,
      practice: {
        odsCode: 'A81001',
        name: 'THE DENSHAM SURGERY',
        postcode: 'TS18 1HU',
        icbCode: 'QHM',
        status: 'ACTIVE',
        openedOn: '1974-04-01',
        closedOn: null,
      },
    });
  });

  it.each([
    ['A', 'ACTIVE', ''],
    ['C', 'CLOSED', '20230331'],
    ['D', 'DORMANT', ''],
    ['P', 'PROPOSED', ''],
  ])('maps status code %s to %s', (code, status, closeDate) => {
    const row = read(record({ status: code, closeDate }));
    expect(row).toMatchObject({ kind: 'practice', practice: { status } });
  });

  it('keeps a closed practice, with its close date', () => {
    expect(read(record({ status: 'C', closeDate: '20230331' }))).toMatchObject({
      kind: 'practice',
      practice: { status: 'CLOSED', openedOn: '1974-04-01', closedOn: '2023-03-31' },
    });
  });

  it('accepts a close date on the open date, and an unknown open date', () => {
    expect(read(record({ status: 'C', openDate: '20200101', closeDate: '20200101' }))).toMatchObject({ kind: 'practice' });
    expect(read(record({ openDate: '' }))).toMatchObject({ kind: 'practice', practice: { openedOn: null } });
  });

  it('takes the ICB from column 15 (Commissioner) when column 4 is not an ICB code', () => {
    expect(read(record({ geography: 'Y63', commissioner: 'QWO' }))).toMatchObject({ practice: { icbCode: 'QWO' } });
    expect(read(record({ geography: '', commissioner: 'QF7' }))).toMatchObject({ practice: { icbCode: 'QF7' } });
  });

  it('prefers column 4 when both are ICB codes', () => {
    expect(read(record({ geography: 'QHM', commissioner: 'QWO' }))).toMatchObject({ practice: { icbCode: 'QHM' } });
  });

  it('skips a row whose prescribing setting is not 4 (not a GP practice), without checking it', () => {
    expect(read(record({ setting: '2', odsCode: 'Y02625', postcode: 'nowhere' }))).toEqual({
      kind: 'skipped',
      line: 7,
      prescribingSetting: '2',
    });
  });

  describe('rejects, with a reason', () => {
    it.each([
      ['too few columns', record().slice(0, 26), 'has 26 columns, expected 27'],
      ['too many columns', [...record(), 'extra'], 'has 28 columns, expected 27'],
      ['a malformed ODS code', record({ odsCode: 'A8100' }), 'ODS code "A8100" is not one letter and five digits'],
      ['a lower-case ODS code', record({ odsCode: 'a81001' }), 'ODS code "a81001" is not one letter and five digits'],
      ['an empty name', record({ name: '   ' }), 'name is empty'],
      ['a name over 200 characters', record({ name: 'X'.repeat(201) }), 'name is longer than 200 characters'],
      ['a postcode that is not one', record({ postcode: 'NOT A POSTCODE' }), 'postcode "NOT A POSTCODE" is not a UK postcode'],
      ['an empty postcode', record({ postcode: '' }), 'postcode "" is not a UK postcode'],
      ['30 February', record({ openDate: '20230230' }), 'open date "20230230" is not a real calendar day'],
      ['29 February of a common year', record({ openDate: '20230229' }), 'open date "20230229" is not a real calendar day'],
      ['month 13', record({ openDate: '20231301' }), 'open date "20231301" is not a real calendar day'],
      ['an ISO date', record({ openDate: '2023-01-01' }), 'open date "2023-01-01" is not a date in YYYYMMDD form'],
      [
        'an impossible close date',
        record({ status: 'C', closeDate: '20230431' }),
        'close date "20230431" is not a real calendar day',
      ],
      [
        'a close date before the open date',
        record({ status: 'C', openDate: '20200101', closeDate: '20191231' }),
        'close date 2019-12-31 is before open date 2020-01-01',
      ],
      ['an unknown status code', record({ status: 'X' }), 'status code "X" is not A, C, D or P'],
      ['an empty status code', record({ status: '' }), 'status code "" is not A, C, D or P'],
      ['status C without a close date', record({ status: 'C', closeDate: '' }), 'status C (closed) without a close date'],
      ['an ICB nobody knows', record({ geography: 'QZZ' }), 'unknown ICB QZZ'],
      ['an unknown ICB in the commissioner column', record({ geography: 'Y63', commissioner: 'QZZ' }), 'unknown ICB QZZ'],
      [
        'no ICB code in either column',
        record({ geography: 'Y63', commissioner: '16C' }),
        'no ICB code in column 4 (High Level Health Geography) or column 15 (Commissioner)',
      ],
    ])('%s', (_label, fields, reason) => {
      expect(reasonOf(fields)).toBe(reason);
    });

    it('a code that appeared earlier in the file, naming that line', () => {
      expect(read(record(), context(undefined, { A81001: 3 }))).toEqual({
        kind: 'rejected',
        line: 7,
        odsCode: 'A81001',
        reason: 'duplicate of line 3',
      });
    });

    it('every problem of a row at once', () => {
      expect(reasonOf(record({ name: '', postcode: 'X', status: 'Q' }))).toBe(
        'name is empty; postcode "X" is not a UK postcode; status code "Q" is not A, C, D or P',
      );
    });

    it('keeps the code when it is well formed and quotes at most 20 characters of a bad field', () => {
      const row = read(record({ postcode: 'P'.repeat(500) }));
      expect(row).toMatchObject({ kind: 'rejected', odsCode: 'A81001' });
      expect(JSON.stringify(row).length).toBeLessThan(200);
      expect(read(record({ odsCode: 'not a code' }))).toMatchObject({ kind: 'rejected', odsCode: null });
    });
  });

  it('a name with a comma, quoted in the file, arrives as one field and is kept whole', () => {
    const line = record({ name: 'DR AHMED, OKAFOR AND PARTNERS' })
      .map((field) => `"${field}"`)
      .join(',');
    const [fields] = parse(line);
    expect(fields).toHaveLength(27);
    expect(read(fields!)).toMatchObject({ kind: 'practice', practice: { name: 'DR AHMED, OKAFOR AND PARTNERS' } });
  });
});

describe('ODS dates', () => {
  it.each([
    ['19740401', '1974-04-01'],
    ['20240229', '2024-02-29'],
    ['20001231', '2000-12-31'],
    ['', null],
  ])('%j is %j', (value, day) => {
    expect(odsDate(value, 'open date')).toEqual({ ok: true, day });
  });

  it.each(['20230230', '20230229', '19000229', '20231301', '20230001', '20230100', '2023011', '202301011', 'yyyymmdd'])(
    '%j is refused, never rolled over',
    (value) => {
      expect(odsDate(value, 'open date')).toMatchObject({ ok: false });
    },
  );
});

describe('the rows of one file', () => {
  it('keeps practices, rejections and skipped settings apart, and rejects a repeated code naming its first line', () => {
    const rows = new EpraccurRows((code) => code === 'QHM');
    rows.add(record({ odsCode: 'A81001' }), 1);
    rows.add(record({ odsCode: 'A81002', postcode: 'X' }), 2);
    rows.add(record({ odsCode: 'Y02625', setting: '2' }), 3);
    rows.add(record({ odsCode: 'A81001', name: 'SECOND' }), 4);
    rows.add(record({ odsCode: 'A81002' }), 5);
    rows.add(record({ odsCode: 'Y01069', setting: '25' }), 6);
    rows.add(record({ odsCode: 'Y02626', setting: '2' }), 7);
    expect(rows.practices.map((practice) => practice.odsCode)).toEqual(['A81001']);
    expect(rows.practices[0]!.name).toBe('THE DENSHAM SURGERY');
    expect(rows.rejected).toEqual([
      { line: 2, odsCode: 'A81002', reason: 'postcode "X" is not a UK postcode' },
      { line: 4, odsCode: 'A81001', reason: 'duplicate of line 1' },
      { line: 5, odsCode: 'A81002', reason: 'duplicate of line 2' },
    ]);
    expect(Object.fromEntries(rows.skipped)).toEqual({ '2': 2, '25': 1 });
    expect(rows.skippedCount).toBe(3);
  });
});
