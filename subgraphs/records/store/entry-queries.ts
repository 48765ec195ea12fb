import type { DataSource } from 'typeorm';
import { fromRequiredInstant, fromStoredInstant } from '../../runtime/instants';
import { namedQuery, rawText as text, type Params } from '../../runtime/named-query';
import { mustBeFiled, RECORD_ENTRY_TYPES, type RecordEntryType } from '../domain/record-entry-type';
import type { VisibleWindow } from '../domain/visible-window';
import type { RecordEntryRow } from '../entities/record-entry';

/**
 * The SQL form of the patient view. The visible window (from the same pure rule that
 * decides each entry) becomes the WHERE clause; each patient's page is an index range scan
 * over (nhs_number, hidden_from_patient, available_at, id) with its own LIMIT, and a batch of
 * patients is one statement: a UNION ALL of those scans. Every row still passes the pure rule
 * afterwards, and a row the rule refuses is an error (record-views.ts).
 */
export interface PatientViewQuery {
  nhsNumber: string;
  window: VisibleWindow;
  types: readonly RecordEntryType[] | null;
  /** Keyset cursor: entries strictly older than (availableAt, id). */
  after: { at: number; id: string } | null;
  limit: number;
  /** The patient's record version, read with their row before this query (for the kept count: kept-counts.ts). */
  recordVersion?: string;
}

export interface ClinicalViewQuery {
  nhsNumber: string;
  after: { at: number; id: string } | null;
  limit: number;
}

const ENTRY_COLUMNS =
  'id, nhs_number, type, title, body, recorded_at, filed_at, available_at, hidden_from_patient, hidden_reason, recorded_by';

// The stored facts must be what availableAt() makes of them, so that the SQL keeps exactly the
// rows the rule keeps whatever is stored: a known type, and available_at the filing instant (not
// before the recording) for results and letters, the recording instant for the rest.
const FILED_TYPES = RECORD_ENTRY_TYPES.filter(mustBeFiled);
const CONSISTENT_ENTRY = [
  `type IN (${RECORD_ENTRY_TYPES.map((type) => `'${type}'`).join(', ')})`,
  `available_at = CASE WHEN type IN (${FILED_TYPES.map((type) => `'${type}'`).join(', ')}) THEN filed_at ELSE recorded_at END`,
  'available_at >= recorded_at',
].join(' AND ');

/**
 * SQLite compiles a statement again on every run when its plan may depend on a bound value: a
 * bare `LIMIT ?`, or `column = ?` where some plan it weighed does not use that column's index.
 * better-sqlite3 clears the bindings after each run, which counts as such a change, so the
 * patient's page was compiled on every request (a third of its cost). Written as a CAST, the
 * value is an expression the planner does not look into; the same index range, on both
 * databases. TEXT, not VARCHAR(10): PostgreSQL would cut a longer value to fit, silently.
 * `hidden_from_patient` is always compared with false, so it is written so.
 */
const patientIs = (k: number) => `nhs_number = CAST(:p${k} AS TEXT)`;
const NOT_HIDDEN = 'hidden_from_patient = false';
const limitOf = (k: number) => `LIMIT CAST(:l${k} AS INTEGER)`;

/** Conditions of one patient's visible entries; parameter names are made unique by `k`. */
function patientViewConditions(query: PatientViewQuery, k: number, params: Params): string {
  const { window } = query;
  params[`p${k}`] = query.nhsNumber;
  params[`na${k}`] = window.notAfter.getTime();
  const stretches = window.stretches.map((stretch, i) => {
    params[`f${k}_${i}`] = stretch.from;
    if (stretch.to === null) return `(available_at >= :f${k}_${i})`;
    params[`t${k}_${i}`] = stretch.to;
    return `(available_at >= :f${k}_${i} AND available_at < :t${k}_${i})`;
  });
  const conditions = [
    patientIs(k),
    NOT_HIDDEN,
    'available_at IS NOT NULL',
    `available_at <= :na${k}`,
    stretches.length ? `(${stretches.join(' OR ')})` : '1 = 0',
    CONSISTENT_ENTRY,
  ];
  if (query.types) {
    params[`ty${k}`] = [...query.types];
    conditions.push(query.types.length ? `type IN (:...ty${k})` : '1 = 0');
  }
  return conditions.join(' AND ');
}

function afterCondition(after: { at: number; id: string } | null, column: string, k: number, params: Params): string | null {
  if (!after) return null;
  params[`ca${k}`] = after.at;
  params[`ci${k}`] = after.id;
  return `(${column} < :ca${k} OR (${column} = :ca${k} AND id < :ci${k}))`;
}

/** Runs one of these statements (the raw rows). */
export const run = (dataSource: DataSource, sql: string, params: Params) => namedQuery(dataSource, sql, params);

export function toEntryRow(raw: Record<string, unknown>): RecordEntryRow {
  return {
    id: text(raw.id),
    nhsNumber: text(raw.nhs_number),
    type: text(raw.type) as RecordEntryType,
    title: text(raw.title),
    body: text(raw.body),
    recordedAt: fromRequiredInstant(raw.recorded_at),
    filedAt: fromStoredInstant(raw.filed_at),
    availableAt: fromStoredInstant(raw.available_at),
    // SQLite answers 0/1, PostgreSQL true/false; anything else is treated as hidden.
    hiddenFromPatient: !(raw.hidden_from_patient === false || raw.hidden_from_patient === 0),
    hiddenReason: raw.hidden_reason === null ? null : text(raw.hidden_reason),
    recordedBy: text(raw.recorded_by),
  };
}

function unionOfPages(parts: string[]): string {
  return parts.map((part, k) => `SELECT * FROM (${part}) AS page${k}`).join(' UNION ALL ');
}

/** The statement of patientViewPages, with its named parameters (exported for the query-plan test). */
export function patientViewPagesStatement(queries: readonly PatientViewQuery[]): [string, Params] {
  const params: Params = {};
  const parts = queries.map((query, k) => {
    const conditions = [patientViewConditions(query, k, params), afterCondition(query.after, 'available_at', k, params)];
    params[`l${k}`] = query.limit;
    return `SELECT ${ENTRY_COLUMNS} FROM record_entry WHERE ${conditions.filter(Boolean).join(' AND ')} ORDER BY available_at DESC, id DESC ${limitOf(k)}`;
  });
  return [unionOfPages(parts), params];
}

/** One statement: each patient's visible page, newest available first. */
export async function patientViewPages(dataSource: DataSource, queries: readonly PatientViewQuery[]): Promise<RecordEntryRow[]> {
  return (await run(dataSource, ...patientViewPagesStatement(queries))).map(toEntryRow);
}

/**
 * The statement of patientViewCounts, with its named parameters (exported for the query-plan
 * test). Beside each count, the earliest availability after the window's end of any entry of the
 * patient's not hidden from them (one index seek): until then the count cannot grow by time alone.
 */
export function patientViewCountsStatement(queries: readonly PatientViewQuery[]): [string, Params] {
  const params: Params = {};
  const parts = queries.map((query, k) => {
    const conditions = patientViewConditions(query, k, params);
    const next = `SELECT MIN(available_at) FROM record_entry WHERE ${patientIs(k)} AND ${NOT_HIDDEN} AND available_at > :na${k}`;
    return `SELECT CAST(:p${k} AS TEXT) AS nhs_number, COUNT(*) AS n, (${next}) AS next_at FROM record_entry WHERE ${conditions}`;
  });
  return [parts.join(' UNION ALL '), params];
}

/** What a patient sees in all, and the instant (ms) after the window when that may next grow by time alone. */
export interface PatientViewCount {
  count: number;
  nextAvailableAt: number | null;
}

/** One statement: how many entries each patient sees in all. */
export async function patientViewCounts(
  dataSource: DataSource,
  queries: readonly PatientViewQuery[],
): Promise<Map<string, PatientViewCount>> {
  const rows = await run(dataSource, ...patientViewCountsStatement(queries));
  return new Map(
    rows.map((row) => [
      text(row.nhs_number),
      { count: Number(row.n), nextAvailableAt: row.next_at === null ? null : Number(row.next_at) },
    ]),
  );
}

/**
 * Beyond every instant a record can hold (epoch milliseconds; JavaScript's dates end near 8.64e15):
 * "no cursor" as a cursor, so that one statement text serves first pages and later ones alike.
 */
const AFTER_EVERY_INSTANT = '9223372036854775807';

/**
 * The statement of clinicalViewPages, with its named parameters (exported for the plan test).
 * PostgreSQL: one constant text whatever the batch, the patients handed in as arrays and each
 * page a LATERAL index range scan with its own LIMIT; planned in a tenth of a millisecond, where a
 * UNION ALL of 50 pages took the planner 4.5 ms on every list. SQLite (no LATERAL, no arrays): a
 * UNION ALL of the pages, its values cast so the statement is compiled once per batch size.
 */
export function clinicalViewPagesStatement(
  queries: readonly ClinicalViewQuery[],
  dialect: DataSource['options']['type'],
): [string, Params] {
  if (dialect === 'postgres') {
    const params: Params = {
      nhs: queries.map((query) => query.nhsNumber),
      lim: queries.map((query) => query.limit),
      ca: queries.map((query) => (query.after ? String(query.after.at) : AFTER_EVERY_INSTANT)),
      ci: queries.map((query) => query.after?.id ?? ''),
    };
    const page = `SELECT ${ENTRY_COLUMNS} FROM record_entry WHERE nhs_number = q.nhs AND (recorded_at, id) < (q.ca, q.ci) ORDER BY recorded_at DESC, id DESC LIMIT q.lim`;
    const patients =
      'unnest(CAST(:nhs AS TEXT[]), CAST(:lim AS INTEGER[]), CAST(:ca AS BIGINT[]), CAST(:ci AS TEXT[])) AS q(nhs, lim, ca, ci)';
    // Ordered again outside: each patient's rows newest first, whatever order the join emits them in.
    const order = 'ORDER BY page.nhs_number, page.recorded_at DESC, page.id DESC';
    return [`SELECT page.* FROM ${patients} CROSS JOIN LATERAL (${page}) AS page ${order}`, params];
  }
  const params: Params = {};
  const parts = queries.map((query, k) => {
    params[`p${k}`] = query.nhsNumber;
    params[`l${k}`] = query.limit;
    const conditions = [patientIs(k), afterCondition(query.after, 'recorded_at', k, params)];
    return `SELECT ${ENTRY_COLUMNS} FROM record_entry WHERE ${conditions.filter(Boolean).join(' AND ')} ORDER BY recorded_at DESC, id DESC ${limitOf(k)}`;
  });
  return [unionOfPages(parts), params];
}

/** One statement: each patient's clinical page, newest recorded first. */
export async function clinicalViewPages(
  dataSource: DataSource,
  queries: readonly ClinicalViewQuery[],
): Promise<RecordEntryRow[]> {
  return (await run(dataSource, ...clinicalViewPagesStatement(queries, dataSource.options.type))).map(toEntryRow);
}

/** One statement: how many entries each patient's record holds. */
export async function clinicalViewCounts(dataSource: DataSource, nhsNumbers: readonly string[]): Promise<Map<string, number>> {
  const rows = await run(
    dataSource,
    'SELECT nhs_number, COUNT(*) AS n FROM record_entry WHERE nhs_number IN (:...nhs) GROUP BY nhs_number',
    { nhs: [...nhsNumbers] },
  );
  return new Map(rows.map((row) => [text(row.nhs_number), Number(row.n)]));
}
