import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A practice's ODS status and open and close dates, so a closed practice is marked, not deleted, and
 * still counts while it was open. Existing practices become ACTIVE with unknown dates. Dates are
 * YYYY-MM-DD text, as dates of birth are: one form on SQLite and PostgreSQL, no time zone to get wrong.
 */
export class AddPracticeLifecycle1764100000000 implements MigrationInterface {
  name = 'AddPracticeLifecycle1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('practice', [
      new TableColumn({ name: 'status', type: 'varchar', length: '16', default: "'ACTIVE'", isNullable: false }),
      new TableColumn({ name: 'opened_on', type: 'varchar', length: '10', isNullable: true }),
      new TableColumn({ name: 'closed_on', type: 'varchar', length: '10', isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('practice', ['closed_on', 'opened_on', 'status']);
  }
}
