import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Counts of refused attempts per key (a clinician's refused registrations, an actor's refusals
 * on one patient) in fixed windows, shared by every records instance on the database.
 */
export class AttemptCounter1764700000002 implements MigrationInterface {
  name = 'AttemptCounter1764700000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'attempt_counter',
        columns: [
          { name: 'key', type: 'varchar', length: '300', isPrimary: true },
          { name: 'window_start', type: 'bigint' },
          { name: 'count', type: 'integer' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('attempt_counter');
  }
}
