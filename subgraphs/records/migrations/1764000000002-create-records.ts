import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Patients, their record entries and exclusion history. Table API: one migration, both databases. */
export class CreateRecords1764000000002 implements MigrationInterface {
  name = 'CreateRecords1764000000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'patient',
        columns: [
          { name: 'nhs_number', type: 'varchar', length: '10', isPrimary: true },
          { name: 'ods_code', type: 'varchar', length: '6' },
          { name: 'date_of_birth', type: 'varchar', length: '10' },
          { name: 'registered_at', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.createIndex(
      'patient',
      new TableIndex({ name: 'patient_practice', columnNames: ['ods_code', 'nhs_number'] }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'record_entry',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'nhs_number', type: 'varchar', length: '10' },
          { name: 'type', type: 'varchar', length: '20' },
          { name: 'title', type: 'varchar', length: '200' },
          { name: 'body', type: 'text' },
          { name: 'recorded_at', type: 'bigint' },
          { name: 'filed_at', type: 'bigint', isNullable: true },
          { name: 'available_at', type: 'bigint', isNullable: true },
          { name: 'hidden_from_patient', type: 'boolean', default: false },
          { name: 'hidden_reason', type: 'varchar', length: '500', isNullable: true },
          { name: 'recorded_by', type: 'varchar', length: '200' },
        ],
      }),
    );
    await queryRunner.createForeignKey(
      'record_entry',
      new TableForeignKey({ columnNames: ['nhs_number'], referencedTableName: 'patient', referencedColumnNames: ['nhs_number'] }),
    );
    // The patient view: a range scan over one patient's entries by the instant they became available.
    await queryRunner.createIndex(
      'record_entry',
      new TableIndex({ name: 'record_entry_patient_available', columnNames: ['nhs_number', 'available_at', 'id'] }),
    );
    // The clinical view: every entry, newest recorded first.
    await queryRunner.createIndex(
      'record_entry',
      new TableIndex({ name: 'record_entry_patient_recorded', columnNames: ['nhs_number', 'recorded_at', 'id'] }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'exclusion_event',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'nhs_number', type: 'varchar', length: '10' },
          { name: 'snomed_code', type: 'varchar', length: '18' },
          { name: 'at', type: 'bigint' },
          { name: 'reason', type: 'varchar', length: '500', isNullable: true },
          { name: 'recorded_by', type: 'varchar', length: '200' },
        ],
      }),
    );
    await queryRunner.createForeignKey(
      'exclusion_event',
      new TableForeignKey({ columnNames: ['nhs_number'], referencedTableName: 'patient', referencedColumnNames: ['nhs_number'] }),
    );
    await queryRunner.createIndex(
      'exclusion_event',
      new TableIndex({ name: 'exclusion_event_patient', columnNames: ['nhs_number', 'at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('exclusion_event');
    await queryRunner.dropTable('record_entry');
    await queryRunner.dropTable('patient');
  }
}
