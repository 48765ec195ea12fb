import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The append-only rollout history. (ods_code, seq) is unique: two concurrent changes to one
 *  practice cannot both append as "next", so the loser gets CONFLICT instead of a fork. */
export class CreateRolloutEvents1764000000001 implements MigrationInterface {
  name = 'CreateRolloutEvents1764000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'rollout_event',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'ods_code', type: 'varchar', length: '6' },
          { name: 'seq', type: 'integer' },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'at', type: 'bigint' },
          { name: 'actor_role', type: 'varchar', length: '16' },
          { name: 'actor_id', type: 'varchar', length: '200' },
          { name: 'reason', type: 'varchar', length: '500', isNullable: true },
          { name: 'planned_switch_on_at', type: 'bigint', isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndex(
      'rollout_event',
      new TableIndex({ name: 'rollout_event_practice_seq', columnNames: ['ods_code', 'seq'], isUnique: true }),
    );
    await queryRunner.createIndex('rollout_event', new TableIndex({ name: 'rollout_event_at', columnNames: ['at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('rollout_event');
  }
}
