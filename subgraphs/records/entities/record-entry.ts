import { EntitySchema } from 'typeorm';
import { instantColumn, nullableInstantColumn } from '../../runtime/instants';
import type { RecordEntryType } from '../domain/record-entry-type';

export interface RecordEntryRow {
  id: string;
  nhsNumber: string;
  type: RecordEntryType;
  title: string;
  body: string;
  /** Server clock at the moment the entry was added. */
  recordedAt: Date;
  /** When a clinician filed it (results and letters only). */
  filedAt: Date | null;
  /**
   * The instant the entry became available to the patient view: filedAt for results and
   * letters (null while unfiled), recordedAt otherwise. Kept as a column, set by the domain's
   * availableAt(), so the patient view is one range scan over (patient, available_at).
   */
  availableAt: Date | null;
  hiddenFromPatient: boolean;
  hiddenReason: string | null;
  recordedBy: string;
}

export const RecordEntryEntity = new EntitySchema<RecordEntryRow>({
  name: 'RecordEntry',
  tableName: 'record_entry',
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    nhsNumber: { name: 'nhs_number', type: 'varchar', length: 10 },
    type: { type: 'varchar', length: 20 },
    title: { type: 'varchar', length: 200 },
    body: { type: 'text' },
    recordedAt: { name: 'recorded_at', ...instantColumn },
    filedAt: { name: 'filed_at', ...nullableInstantColumn },
    availableAt: { name: 'available_at', ...nullableInstantColumn },
    hiddenFromPatient: { name: 'hidden_from_patient', type: 'boolean', default: false },
    hiddenReason: { name: 'hidden_reason', type: 'varchar', length: 500, nullable: true },
    recordedBy: { name: 'recorded_by', type: 'varchar', length: 200 },
  },
});
