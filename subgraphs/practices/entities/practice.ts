import { EntitySchema } from 'typeorm';
import type { PracticeSupplier } from '../../runtime/suppliers';
import { instantColumn } from '../../runtime/instants';
import type { PracticeStatus } from '../domain/practice-status';

export interface PracticeRow {
  odsCode: string;
  name: string;
  postcode: string;
  supplier: PracticeSupplier;
  icbCode: string;
  /** ODS status; a closed practice is kept and marked, never deleted. */
  status: PracticeStatus;
  /** ODS Open Date and Close Date, YYYY-MM-DD (calendar days, no time zone). */
  openedOn: string | null;
  closedOn: string | null;
  updatedAt: Date;
}

export const PracticeEntity = new EntitySchema<PracticeRow>({
  name: 'Practice',
  tableName: 'practice',
  columns: {
    odsCode: { name: 'ods_code', type: 'varchar', length: 6, primary: true },
    name: { type: 'varchar', length: 200 },
    postcode: { type: 'varchar', length: 8 },
    supplier: { type: 'varchar', length: 16 },
    icbCode: { name: 'icb_code', type: 'varchar', length: 3 },
    status: { type: 'varchar', length: 16, default: 'ACTIVE' },
    openedOn: { name: 'opened_on', type: 'varchar', length: 10, nullable: true },
    closedOn: { name: 'closed_on', type: 'varchar', length: 10, nullable: true },
    updatedAt: { name: 'updated_at', ...instantColumn },
  },
});
