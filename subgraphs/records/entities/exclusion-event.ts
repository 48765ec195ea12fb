import { EntitySchema } from 'typeorm';
import { instantColumn } from '../../runtime/instants';

/**
 * A clinician's exclusion or its lifting, or the patient's own decline or its withdrawal, with
 * the SNOMED CT code it records. Append-only; the id gives the order recorded.
 */
export interface ExclusionEventRow {
  id?: number;
  nhsNumber: string;
  snomedCode: string;
  /** An ExclusionKind; null on rows stored before kinds were kept (domain/exclusion.ts kindOf). */
  kind: string | null;
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
    kind: { type: 'varchar', length: 32, nullable: true },
    at: { ...instantColumn },
    reason: { type: 'varchar', length: 500, nullable: true },
    recordedBy: { name: 'recorded_by', type: 'varchar', length: 200 },
  },
});
