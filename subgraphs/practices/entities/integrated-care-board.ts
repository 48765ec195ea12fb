import { EntitySchema } from 'typeorm';

export interface IcbRow {
  code: string;
  name: string;
}

export const IntegratedCareBoardEntity = new EntitySchema<IcbRow>({
  name: 'IntegratedCareBoard',
  tableName: 'integrated_care_board',
  columns: {
    code: { type: 'varchar', length: 3, primary: true },
    name: { type: 'varchar', length: 200 },
  },
});
