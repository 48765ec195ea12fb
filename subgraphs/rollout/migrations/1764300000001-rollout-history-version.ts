import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createDataVersion, dropDataVersion } from '../../runtime/data-version';

/**
 * The rollout history's data version: changed by the database on every write to rollout_event.
 * National figures keep every practice's history while the version stays the same, instead of
 * reading every event there is for each request.
 */
export class RolloutHistoryVersion1764300000001 implements MigrationInterface {
  name = 'RolloutHistoryVersion1764300000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createDataVersion(queryRunner, 'rollout_history', ['rollout_event']);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropDataVersion(queryRunner, 'rollout_history', ['rollout_event']);
  }
}
