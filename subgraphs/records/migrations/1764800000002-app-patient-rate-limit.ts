import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Each (app, patient)'s own rate-limit bucket, beside each app's: one patient's traffic through
 * an app no longer limits the app's other patients. Table API: one migration, both databases.
 */
export class AppPatientRateLimit1764800000002 implements MigrationInterface {
  name = 'AppPatientRateLimit1764800000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'app_patient_rate_limit',
        columns: [
          { name: 'client_id', type: 'varchar', length: '100', isPrimary: true },
          { name: 'nhs_number', type: 'varchar', length: '10', isPrimary: true },
          { name: 'tokens', type: 'double precision' },
          { name: 'refilled_at', type: 'bigint' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('app_patient_rate_limit');
  }
}
