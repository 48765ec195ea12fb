import { EntitySchema } from 'typeorm';
import { logColumns, type LogRowBase } from './log-columns';

/** One read of a patient's record, a refused attempt, or a move of their registration. Append-only. */
export interface AccessLogRow extends LogRowBase {
  clientId: string | null;
  appName: string | null;
  nhsNumber: string;
  view: 'PATIENT' | 'CLINICAL';
  entryCount: number;
  outcome: 'READ' | 'REFUSED' | 'MOVED';
}

export const AccessLogEntity = new EntitySchema<AccessLogRow>({
  name: 'AccessLog',
  tableName: 'access_log',
  columns: {
    ...logColumns,
    clientId: { name: 'client_id', type: 'varchar', length: 100, nullable: true },
    appName: { name: 'app_name', type: 'varchar', length: 200, nullable: true },
    nhsNumber: { name: 'nhs_number', type: 'varchar', length: 10 },
    view: { type: 'varchar', length: 16 },
    entryCount: { name: 'entry_count', type: 'integer' },
    outcome: { type: 'varchar', length: 16 },
  },
});
