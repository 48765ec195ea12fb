import { EntitySchema } from 'typeorm';
import { instantColumn, nullableInstantColumn } from '../../runtime/instants';

/** An app approved (IM1) to read records on patients' behalf; revoked apps are kept, marked. */
export interface ApprovedAppRow {
  clientId: string;
  name: string;
  /** Space-separated, as OAuth writes scopes. */
  scopes: string;
  approvedAt: Date;
  approvedBy: string;
  revokedAt: Date | null;
  revokedBy: string | null;
  /** The number of the app's trusted-operation list in force (trusted-operation.ts); 0: none, it runs nothing. */
  operationList: number;
}

export const ApprovedAppEntity = new EntitySchema<ApprovedAppRow>({
  name: 'ApprovedApp',
  tableName: 'approved_app',
  columns: {
    clientId: { name: 'client_id', type: 'varchar', length: 100, primary: true },
    name: { type: 'varchar', length: 200 },
    scopes: { type: 'varchar', length: 500 },
    approvedAt: { name: 'approved_at', ...instantColumn },
    approvedBy: { name: 'approved_by', type: 'varchar', length: 200 },
    revokedAt: { name: 'revoked_at', ...nullableInstantColumn },
    revokedBy: { name: 'revoked_by', type: 'varchar', length: 200, nullable: true },
    operationList: { name: 'operation_list', type: 'integer', default: 0 },
  },
});
