import { parseScheduleFile } from '../../../clients/schedule-import/schedule-file';
import { formatScheduleReport } from '../../../clients/schedule-import/schedule-import';

describe("reading a supplier's schedule file", () => {
  it('reads ODS codes and instants, with or without a header, dates as midnight in England', () => {
    const file = parseScheduleFile(
      'ods_code,planned_switch_on_at\nA81001,2027-01-11\n"b84002", 2027-06-01\nC84003,2027-03-01T07:00:00Z\nD84004,2027-03-01T08:00:00.000+01:00\n',
    );
    expect(file.rejected).toEqual([]);
    expect(file.plans).toEqual([
      { line: 2, odsCode: 'A81001', at: new Date('2027-01-11T00:00:00.000Z') },
      { line: 3, odsCode: 'B84002', at: new Date('2027-05-31T23:00:00.000Z') }, // British Summer Time
      { line: 4, odsCode: 'C84003', at: new Date('2027-03-01T07:00:00.000Z') },
      { line: 5, odsCode: 'D84004', at: new Date('2027-03-01T07:00:00.000Z') },
    ]);
    expect(parseScheduleFile('A81001,2027-01-11\n').plans).toHaveLength(1);
  });

  it('rejects every bad line with its number and reason: code, date, duplicate, fields, quotes', () => {
    const file = parseScheduleFile(
      [
        'A81001,2027-01-11',
        'A8100,2027-01-11',
        'A81002,2027-02-30',
        'A81003,2027-01-11T25:00:00Z',
        'A81001,2027-02-01',
        'A81004',
        'A81005,2027-01-11,extra',
        'A81006,next tuesday',
        '',
        'A81007,"2027-01-11',
      ].join('\n'),
    );
    expect(file.rejected).toEqual([
      { line: 2, odsCode: null, reason: 'the ODS code is not one letter and five digits, e.g. A81001' },
      { line: 3, odsCode: 'A81002', reason: expect.stringMatching(/not a real date/) },
      { line: 4, odsCode: 'A81003', reason: expect.stringMatching(/not a real date/) },
      { line: 5, odsCode: 'A81001', reason: 'the practice is already planned on line 1' },
      { line: 6, odsCode: null, reason: 'expected 2 fields (ODS code, planned switch-on), found 1' },
      { line: 7, odsCode: null, reason: 'expected 2 fields (ODS code, planned switch-on), found 3' },
      { line: 8, odsCode: 'A81006', reason: expect.stringMatching(/not a real date/) },
      { line: 10, odsCode: null, reason: 'not valid CSV (an unclosed quote?)' },
    ]);
    expect(file.plans.map((p) => p.odsCode)).toEqual(['A81001']);
  });

  it('reports rejected lines without applying anything', () => {
    const text = formatScheduleReport({
      applied: false,
      scheduled: [],
      skipped: [],
      refused: null,
      rejected: [{ line: 3, odsCode: 'A81002', reason: 'the planned switch-on is not a real date' }],
    });
    expect(text).toBe(
      'Nothing applied: 1 line(s) rejected. Fix them and run again.\n  line 3 (A81002): the planned switch-on is not a real date',
    );
  });
});
