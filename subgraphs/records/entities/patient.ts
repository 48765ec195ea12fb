import { EntitySchema } from 'typeorm';
import { instantColumn } from '../../runtime/instants';

export interface PatientRow {
  nhsNumber: string;
  odsCode: string;
  /** YYYY-MM-DD */
  dateOfBirth: string;
  registeredAt: Date;
  /** Kept by the database (record-version.ts); never written by the service. */
  recordVersion?: string;
}

export const PatientEntity = new EntitySchema<PatientRow>({
  name: 'Patient',
  tableName: 'patient',
  columns: {
    nhsNumber: { name: 'nhs_number', type: 'varchar', length: 10, primary: true },
    odsCode: { name: 'ods_code', type: 'varchar', length: 6 },
    dateOfBirth: { name: 'date_of_birth', type: 'varchar', length: 10 },
    registeredAt: { name: 'registered_at', ...instantColumn },
    recordVersion: { name: 'record_version', type: 'varchar', length: 32, default: '', insert: false, update: false },
  },
});
