import { EntitySchema } from 'typeorm';
import type { Supplier } from '../../common/viewer';
import { instantColumn } from '../../common/instants';

export interface PracticeRow {
  odsCode: string;
  name: string;
  postcode: string;
  supplier: Supplier;
  icbCode: string;
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
    updatedAt: { name: 'updated_at', ...instantColumn },
  },
});
