import { EntitySchema } from 'typeorm';

/**
 * One operation of an app's trusted list (platform/trusted-operations.ts). A list is never
 * changed: nhse replacing it adds a new list (`listNumber` one more) and points the app at it
 * (`approved_app.operation_list`), so the rows are append-only and keep what each list was.
 */
export interface TrustedOperationRow {
  clientId: string;
  listNumber: number;
  /** Where it stands in its list (0 first), as registered. */
  position: number;
  /** SHA-256 of `body`, lowercase hex. */
  id: string;
  name: string;
  type: string;
  body: string;
}

export const TrustedOperationEntity = new EntitySchema<TrustedOperationRow>({
  name: 'TrustedOperation',
  tableName: 'trusted_operation',
  columns: {
    clientId: { name: 'client_id', type: 'varchar', length: 100, primary: true },
    listNumber: { name: 'list_number', type: 'integer', primary: true },
    position: { type: 'integer' },
    id: { type: 'varchar', length: 64, primary: true },
    name: { type: 'varchar', length: 100 },
    type: { type: 'varchar', length: 16 },
    body: { type: 'text' },
  },
});
