import { EntitySchema } from 'typeorm';
import { instantColumn } from '../../common/instants';

/** An exclusion or its lifting, as the SNOMED CT code a clinician recorded. Append-only. */
export interface ExclusionEventRow {
  id?: number;
  nhsNumber: string;
  snomedCode: string;
  at: Date;
  reason: string | null;
  recordedBy: string;
}

export const ExclusionEventEntity = new EntitySchema<ExclusionEventRow>({
  name: 'ExclusionEvent',
  tableName: 'exclusion_event',
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    nhsNumber: { name: 'nhs_number', type: 'varchar', length: 10 },
    snomedCode: { name: 'snomed_code', type: 'varchar', length: 18 },
    at: { ...instantColumn },
    reason: { type: 'varchar', length: 500, nullable: true },
    recordedBy: { name: 'recorded_by', type: 'varchar', length: 200 },
  },
});
