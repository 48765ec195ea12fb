import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Approved apps' trusted operations: append-only lists, and on each app the number of the list
 * in force (0: none, so the app runs nothing). Table API: one migration, both databases.
 */
export class TrustedOperations1764900000002 implements MigrationInterface {
  name = 'TrustedOperations1764900000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'trusted_operation',
        columns: [
          { name: 'client_id', type: 'varchar', length: '100', isPrimary: true },
          { name: 'list_number', type: 'integer', isPrimary: true },
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'position', type: 'integer' },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'type', type: 'varchar', length: '16' },
          { name: 'body', type: 'text' },
        ],
      }),
    );
    await queryRunner.addColumn('approved_app', new TableColumn({ name: 'operation_list', type: 'integer', default: 0 }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('approved_app', 'operation_list');
    await queryRunner.dropTable('trusted_operation');
  }
}
