import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const COVERING = ['nhs_number', 'hidden_from_patient', 'available_at', 'id'];

/**
 * The patient view's SQL now also checks that an entry's stored facts agree with its
 * available_at (entry-queries.ts CONSISTENT_ENTRY), so the index that serves it carries type,
 * recorded_at and filed_at too: the count still reads the index alone.
 */
export class PatientViewConsistencyIndex1764600000002 implements MigrationInterface {
  name = 'PatientViewConsistencyIndex1764600000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('record_entry', 'record_entry_patient_visible');
    await queryRunner.createIndex(
      'record_entry',
      new TableIndex({ name: 'record_entry_patient_visible', columnNames: [...COVERING, 'type', 'recorded_at', 'filed_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('record_entry', 'record_entry_patient_visible');
    await queryRunner.createIndex(
      'record_entry',
      new TableIndex({ name: 'record_entry_patient_visible', columnNames: COVERING }),
    );
  }
}
