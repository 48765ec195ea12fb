import { forbidden } from '../../../platform/errors';
import { decodeCursor, encodeCursor, pageSize, toConnection, type Connection } from '../../runtime/pagination';
import { mayReadAccessLog } from '../authorization';
import type { RecordsContext } from '../context';
import type { AccessLogRow } from '../entities/access-log';
import type { PatientRow } from '../entities/patient';

/** Patient.accessLog: who has read the record, newest first; the patient and the practice's clinicians only. */
export async function accessLogConnection(
  patient: PatientRow,
  args: { first?: number | null; after?: string | null },
  context: RecordsContext,
): Promise<Connection<AccessLogRow>> {
  if (!mayReadAccessLog(context.viewer, patient)) {
    throw forbidden("A record's access log is for the patient and the clinicians of their practice");
  }
  const limit = pageSize(args.first, 100, 20);
  const cursor = decodeCursor(args.after, ['number', 'number'] as const);
  const rows = await context.accessLog.page(patient.nhsNumber, cursor && { at: cursor[0], id: cursor[1] }, limit + 1);
  return toConnection(
    rows,
    limit,
    (row) => encodeCursor([row.at.getTime(), row.id!]),
    (row) => row,
    () => context.accessLog.count(patient.nhsNumber),
  );
}
