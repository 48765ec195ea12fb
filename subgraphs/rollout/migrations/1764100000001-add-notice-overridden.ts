import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Marks the events where NHS England planned a switch-on with less than the minimum notice. */
export class AddNoticeOverridden1764100000001 implements MigrationInterface {
  name = 'AddNoticeOverridden1764100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'rollout_event',
      new TableColumn({ name: 'notice_overridden', type: 'boolean', isNullable: false, default: false }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('rollout_event', 'notice_overridden');
  }
}
