import { EntitySchema } from 'typeorm';
import { logColumns, type LogRowBase } from './log-columns';

/**
 * One change made in the records subgraph, with its actor: a patient registered, an entry
 * added, filed or hidden, an exclusion set or lifted, the patient's own decline or its
 * withdrawal, an app approved or revoked. Written in the same
 * transaction as the change. Append-only.
 */
export interface ChangeLogRow extends LogRowBase {
  action: ChangeAction;
  nhsNumber: string | null;
  entryId: string | null;
  clientId: string | null;
}

export type ChangeAction =
  | 'PATIENT_REGISTERED'
  | 'PATIENT_MOVED'
  | 'ENTRY_ADDED'
  | 'ENTRY_FILED'
  | 'ENTRY_HIDDEN'
  | 'EXCLUSION_SET'
  | 'EXCLUSION_LIFTED'
  | 'ACCESS_DECLINED'
  | 'ACCESS_DECLINE_WITHDRAWN'
  | 'APP_APPROVED'
  | 'APP_REVOKED';

export const ChangeLogEntity = new EntitySchema<ChangeLogRow>({
  name: 'ChangeLog',
  tableName: 'change_log',
  columns: {
    ...logColumns,
    action: { type: 'varchar', length: 32 },
    nhsNumber: { name: 'nhs_number', type: 'varchar', length: 10, nullable: true },
    entryId: { name: 'entry_id', type: 'varchar', length: 36, nullable: true },
    clientId: { name: 'client_id', type: 'varchar', length: 100, nullable: true },
  },
});
