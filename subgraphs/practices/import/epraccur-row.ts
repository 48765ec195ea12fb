import { isIcbCode, isPracticeOdsCode, normalisePostcode } from '../../runtime/ods-code';
import { isRealDay } from '../../runtime/scalars';
import { STATUS_BY_ODS_CODE, type PracticeStatus } from '../domain/practice-status';

/**
 * One record of the ODS GP practice file (epraccur.csv: no header row, 27 columns, docs/domain.md
 * lists them) read into a practice we may store, a row that is not a GP practice, or a
 * rejection with its reason. Pure: the caller says which ICBs exist and which codes came
 * earlier in the file. Reasons name the problem and at most the one field at fault, never
 * the whole row.
 */
export const EPRACCUR_COLUMNS = 27;

/** Zero-based positions of the columns we read. */
const COLUMN = {
  odsCode: 0,
  name: 1,
  highLevelHealthGeography: 3,
  postcode: 9,
  openDate: 10,
  closeDate: 11,
  statusCode: 12,
  commissioner: 14,
  prescribingSetting: 25,
} as const;

/** Prescribing Setting 4: a GP practice. Other settings (out of hours, prisons, ...) are not ours. */
export const GP_PRACTICE_SETTING = '4';
const MAX_NAME_LENGTH = 200;

/** A practice as the ODS file describes it (it says nothing of the GP system supplier). */
export interface OdsPractice {
  odsCode: string;
  name: string;
  postcode: string;
  icbCode: string;
  status: PracticeStatus;
  openedOn: string | null;
  closedOn: string | null;
}

export type EpraccurRow =
  | { kind: 'practice'; line: number; practice: OdsPractice }
  | { kind: 'skipped'; line: number; prescribingSetting: string }
  | { kind: 'rejected'; line: number; odsCode: string | null; reason: string };

export interface RowContext {
  /** Whether an import may use this ICB code: it is in the database or in the reference list. */
  isKnownIcb(code: string): boolean;
  /** The line on which this ODS code first appeared earlier in the file, if it did. */
  firstSeenOn(odsCode: string): number | undefined;
}

/** A field's value as a reason may quote it: short, in quotes. */
const quoted = (value: string): string => JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value);

type DateField = { ok: true; day: string | null } | { ok: false; reason: string };

/** YYYYMMDD to YYYY-MM-DD; empty is "not known"; 20230230 is refused, never rolled over. */
export function odsDate(value: string, label: string): DateField {
  if (value === '') return { ok: true, day: null };
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (!match) return { ok: false, reason: `${label} ${quoted(value)} is not a date in YYYYMMDD form` };
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!isRealDay(year, month, day)) return { ok: false, reason: `${label} ${quoted(value)} is not a real calendar day` };
  return { ok: true, day: `${match[1]}-${match[2]}-${match[3]}` };
}

/** Column 4 (High Level Health Geography) is the ICB; when it is not an ICB code, column 15 (Commissioner) may be. */
function icbCodeOf(geography: string, commissioner: string): string | null {
  if (isIcbCode(geography)) return geography;
  if (isIcbCode(commissioner)) return commissioner;
  return null;
}

export function readEpraccurRow(fields: readonly string[], line: number, context: RowContext): EpraccurRow {
  const field = (column: number): string => (fields[column] ?? '').trim();
  const odsCodeField = field(COLUMN.odsCode);
  if (fields.length !== EPRACCUR_COLUMNS) {
    return {
      kind: 'rejected',
      line,
      odsCode: isPracticeOdsCode(odsCodeField) ? odsCodeField : null,
      reason: `has ${fields.length} columns, expected ${EPRACCUR_COLUMNS}`,
    };
  }
  const setting = field(COLUMN.prescribingSetting);
  if (setting !== GP_PRACTICE_SETTING) return { kind: 'skipped', line, prescribingSetting: setting };

  if (!isPracticeOdsCode(odsCodeField)) {
    return {
      kind: 'rejected',
      line,
      odsCode: null,
      reason: `ODS code ${quoted(odsCodeField)} is not one letter and five digits`,
    };
  }
  const odsCode = odsCodeField;
  const earlier = context.firstSeenOn(odsCode);
  if (earlier !== undefined) return { kind: 'rejected', line, odsCode, reason: `duplicate of line ${earlier}` };

  const reasons: string[] = [];
  const name = field(COLUMN.name);
  if (name === '') reasons.push('name is empty');
  else if (name.length > MAX_NAME_LENGTH) reasons.push(`name is longer than ${MAX_NAME_LENGTH} characters`);

  const postcodeField = field(COLUMN.postcode);
  const postcode = normalisePostcode(postcodeField);
  if (!postcode) reasons.push(`postcode ${quoted(postcodeField)} is not a UK postcode`);

  const statusCode = field(COLUMN.statusCode);
  const status = STATUS_BY_ODS_CODE[statusCode];
  if (!status) reasons.push(`status code ${quoted(statusCode)} is not A, C, D or P`);

  const opened = odsDate(field(COLUMN.openDate), 'open date');
  const closed = odsDate(field(COLUMN.closeDate), 'close date');
  if (!opened.ok) reasons.push(opened.reason);
  if (!closed.ok) reasons.push(closed.reason);
  if (opened.ok && closed.ok && opened.day && closed.day && closed.day < opened.day) {
    reasons.push(`close date ${closed.day} is before open date ${opened.day}`);
  }
  if (status === 'CLOSED' && closed.ok && !closed.day) reasons.push('status C (closed) without a close date');

  const icbCode = icbCodeOf(field(COLUMN.highLevelHealthGeography), field(COLUMN.commissioner));
  if (!icbCode) reasons.push('no ICB code in column 4 (High Level Health Geography) or column 15 (Commissioner)');
  else if (!context.isKnownIcb(icbCode)) reasons.push(`unknown ICB ${icbCode}`);

  if (reasons.length > 0 || !postcode || !status || !opened.ok || !closed.ok || !icbCode) {
    return { kind: 'rejected', line, odsCode, reason: reasons.join('; ') };
  }
  return {
    kind: 'practice',
    line,
    practice: { odsCode, name, postcode, icbCode, status, openedOn: opened.day, closedOn: closed.day },
  };
}

/** A rejected row as the summary lists it. */
export interface Rejection {
  line: number;
  odsCode: string | null;
  reason: string;
}

/**
 * The rows of one file, read in order: keeps the practices to apply, the rejections, and how
 * many rows of each other prescribing setting were skipped. Remembers the line each ODS code
 * first appeared on, so a repeat is rejected as a duplicate (the first one stands).
 */
export class EpraccurRows {
  readonly practices: OdsPractice[] = [];
  readonly rejected: Rejection[] = [];
  /** Skipped rows by prescribing setting. */
  readonly skipped = new Map<string, number>();
  private readonly firstLine = new Map<string, number>();

  constructor(private readonly isKnownIcb: (code: string) => boolean) {}

  add(fields: readonly string[], line: number): EpraccurRow {
    const row = readEpraccurRow(fields, line, {
      isKnownIcb: this.isKnownIcb,
      firstSeenOn: (odsCode) => this.firstLine.get(odsCode),
    });
    if (row.kind === 'skipped') {
      this.skipped.set(row.prescribingSetting, (this.skipped.get(row.prescribingSetting) ?? 0) + 1);
      return row;
    }
    const odsCode = row.kind === 'practice' ? row.practice.odsCode : row.odsCode;
    if (odsCode && !this.firstLine.has(odsCode)) this.firstLine.set(odsCode, line);
    if (row.kind === 'practice') this.practices.push(row.practice);
    else this.rejected.push({ line: row.line, odsCode: row.odsCode, reason: row.reason });
    return row;
  }

  get skippedCount(): number {
    return [...this.skipped.values()].reduce((total, count) => total + count, 0);
  }
}
