import { parse } from 'csv-parse/sync';
import { startOfLondonDay } from '../../subgraphs/runtime/london-day';
import { isPracticeOdsCode } from '../../subgraphs/runtime/ods-code';
import { parseInstant } from '../../subgraphs/runtime/scalars';

/** One planned switch-on of a supplier's schedule file, with the line it came from. */
export interface ScheduleLine {
  line: number;
  odsCode: string;
  at: Date;
}
export interface RejectedLine {
  line: number;
  odsCode: string | null;
  reason: string;
}
export interface ScheduleFile {
  plans: ScheduleLine[];
  rejected: RejectedLine[];
}

const HEADER = /^\s*(ods[ _-]?code|practice|organisation code)\s*$/i;

/**
 * A supplier's schedule: CSV lines of `ODS code, planned switch-on`, an optional header line,
 * the instant as ISO-8601 with an offset (2027-03-01T07:00:00Z) or a calendar date, read as
 * midnight in England (2027-03-01 is 00:00 Europe/London). Every line is checked; the caller
 * applies nothing unless every line is sound.
 */
export function parseScheduleFile(text: string): ScheduleFile {
  const rejected: RejectedLine[] = [];
  const records = parse(text, {
    relax_column_count: true,
    skip_empty_lines: true,
    trim: true,
    info: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      if (error) rejected.push({ line: Number(error.lines), odsCode: null, reason: 'not valid CSV (an unclosed quote?)' });
    },
  }) as unknown as { record: string[]; info: { lines: number } }[];

  const plans: ScheduleLine[] = [];
  const firstLine = new Map<string, number>();
  records.forEach(({ record, info }, index) => {
    const line = info.lines;
    if (index === 0 && HEADER.test(record[0] ?? '')) return;
    const reject = (reason: string, odsCode: string | null = null) => rejected.push({ line, odsCode, reason });
    if (record.length !== 2) return reject(`expected 2 fields (ODS code, planned switch-on), found ${record.length}`);
    const odsCode = record[0]!.toUpperCase();
    if (!isPracticeOdsCode(odsCode)) return reject('the ODS code is not one letter and five digits, e.g. A81001');
    const at = instantOf(record[1]!);
    if (at === null) {
      return reject('the planned switch-on is not a real date (2027-03-01) or instant (2027-03-01T07:00:00Z)', odsCode);
    }
    const earlier = firstLine.get(odsCode);
    if (earlier !== undefined) return reject(`the practice is already planned on line ${earlier}`, odsCode);
    firstLine.set(odsCode, line);
    plans.push({ line, odsCode, at });
  });
  rejected.sort((a, b) => a.line - b.line);
  return { plans, rejected };
}

function instantOf(value: string): Date | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return startOfLondonDay(value);
  try {
    return parseInstant(value);
  } catch {
    return null;
  }
}
