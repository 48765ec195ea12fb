import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Practices and ICBs. Written with the Table API so one migration serves SQLite and PostgreSQL. */
export class CreatePractices1764000000000 implements MigrationInterface {
  name = 'CreatePractices1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'integrated_care_board',
        columns: [
          { name: 'code', type: 'varchar', length: '3', isPrimary: true },
          { name: 'name', type: 'varchar', length: '200' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'practice',
        columns: [
          { name: 'ods_code', type: 'varchar', length: '6', isPrimary: true },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'postcode', type: 'varchar', length: '8' },
          { name: 'supplier', type: 'varchar', length: '16' },
          { name: 'icb_code', type: 'varchar', length: '3' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.createForeignKey(
      'practice',
      new TableForeignKey({
        columnNames: ['icb_code'],
        referencedTableName: 'integrated_care_board',
        referencedColumnNames: ['code'],
      }),
    );
    await queryRunner.createIndex(
      'practice',
      new TableIndex({ name: 'practice_icb_idx', columnNames: ['icb_code', 'ods_code'] }),
    );
    await queryRunner.createIndex(
      'practice',
      new TableIndex({ name: 'practice_supplier_idx', columnNames: ['supplier', 'ods_code'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('practice');
    await queryRunner.dropTable('integrated_care_board');
  }
}
