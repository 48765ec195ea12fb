import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The patient view's index, made covering for its count: (nhs_number, hidden_from_patient,
 * available_at, id) puts a patient's visible entries side by side in availability order, so the
 * first page is a range scan that stops after its LIMIT and `totalCount` is counted from the
 * index alone, without reading any entry's row to test hidden_from_patient (bench/README.md
 * has the figures). It replaces (nhs_number, available_at, id), which served nothing else.
 */
export class PatientViewCoveringIndex1764200000002 implements MigrationInterface {
  name = 'PatientViewCoveringIndex1764200000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'record_entry',
      new TableIndex({
        name: 'record_entry_patient_visible',
        columnNames: ['nhs_number', 'hidden_from_patient', 'available_at', 'id'],
      }),
    );
    await queryRunner.dropIndex('record_entry', 'record_entry_patient_available');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'record_entry',
      new TableIndex({ name: 'record_entry_patient_available', columnNames: ['nhs_number', 'available_at', 'id'] }),
    );
    await queryRunner.dropIndex('record_entry', 'record_entry_patient_visible');
  }
}
