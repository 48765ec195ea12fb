import { DomainError, ErrorCode, invalidInput } from '../../../platform/errors';
import { decodeCursor, encodeCursor, pageSize, toConnection, type Connection } from '../../runtime/pagination';
import type { RecordsContext } from '../context';
import { logAccess } from './record-access';
import type { PracticeAccess } from '../domain/practice-access';
import { RECORD_ENTRY_TYPES, type RecordEntryType } from '../domain/record-entry-type';
import { entryVisibility, type PatientFacts } from '../domain/visibility';
import { visibleWindow } from '../domain/visible-window';
import type { RecordEntryRow } from '../entities/record-entry';
import type { ClinicalEntryModel, PatientModel } from '../models';

const MAX_PAGE = 100;
const EMPTY: Connection<never> = { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: () => 0 };

function keysetCursor(after: string | null | undefined) {
  const cursor = decodeCursor(after, ['number', 'string'] as const);
  return cursor ? { at: cursor[0], id: cursor[1] } : null;
}

function checkTypes(types: readonly string[] | null | undefined): RecordEntryType[] | null {
  if (!types) return null;
  if (!types.every((type) => (RECORD_ENTRY_TYPES as readonly string[]).includes(type)))
    throw invalidInput('Unknown entry type', 'types');
  return [...new Set(types as RecordEntryType[])];
}

/**
 * The patient view. The window the rule allows is pushed into SQL; every row that comes back
 * is checked again by the rule itself. The SQL keeps exactly the rows the rule keeps, whatever
 * is stored (entry-queries.ts), so a row the rule refuses means the two have drifted apart: the
 * request fails, an operator is told (log and metric), and nothing is shown, rather than a page
 * whose count and cursors no longer agree with what it holds.
 */
export async function patientView(
  patient: PatientModel,
  facts: PatientFacts,
  access: PracticeAccess,
  args: { first?: number | null; after?: string | null; types?: readonly string[] | null },
  context: RecordsContext,
): Promise<Connection<RecordEntryRow>> {
  const limit = pageSize(args.first, MAX_PAGE, 20);
  const after = keysetCursor(args.after);
  const types = checkTypes(args.types);
  const { now, clockToleranceMs } = context;
  const window = visibleWindow(facts, access, now, clockToleranceMs);
  if (!window) {
    await logAccess(context, patient.nhsNumber, 'PATIENT', 0, 'READ');
    return EMPTY;
  }
  const query = { nhsNumber: patient.nhsNumber, window, types, after, limit: limit + 1 };
  const rows = await context.loaders.patientView.load(query);
  // Another patient's row is refused too: the SQL must never widen the patient it was asked for.
  const refused = rows.filter(
    (row) => row.nhsNumber !== patient.nhsNumber || !entryVisibility(row, facts, access, now, clockToleranceMs).visible,
  ).length;
  if (refused > 0) {
    context.metrics.ruleDisagreements.inc(refused);
    context.logger.error({ refused }, 'the patient view SQL kept entries the visibility rule refuses: nothing shown');
    throw new DomainError(ErrorCode.Internal, 'The record could not be shown safely, so no entries are shown');
  }
  // Logged before the entries leave: if the log cannot be written, this throws and nothing is returned.
  await logAccess(context, patient.nhsNumber, 'PATIENT', Math.min(rows.length, limit), 'READ');
  return toConnection(
    rows,
    limit,
    (row) => encodeCursor([row.availableAt!.getTime(), row.id]),
    (row) => row,
    () =>
      context.loaders.patientViewCount.load({
        ...query,
        after: null,
        limit: 0,
        ...(patient.recordVersion ? { recordVersion: patient.recordVersion } : {}),
      }),
  );
}

/** The clinical view: every entry, each explained by the same rule as the patient view. */
export async function clinicalView(
  patient: PatientModel,
  facts: PatientFacts,
  access: PracticeAccess | null,
  args: { first?: number | null; after?: string | null },
  context: RecordsContext,
): Promise<Connection<ClinicalEntryModel>> {
  const limit = pageSize(args.first, MAX_PAGE, 20);
  const after = keysetCursor(args.after);
  const rows = await context.loaders.clinicalView.load({ nhsNumber: patient.nhsNumber, after, limit: limit + 1 });
  await logAccess(context, patient.nhsNumber, 'CLINICAL', Math.min(rows.length, limit), 'READ');
  return toConnection(
    rows,
    limit,
    (row) => encodeCursor([row.recordedAt.getTime(), row.id]),
    (entry) => ({ entry, visibility: entryVisibility(entry, facts, access, context.now, context.clockToleranceMs) }),
    () => context.loaders.clinicalViewCount.load(patient.nhsNumber),
  );
}
