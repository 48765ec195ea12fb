import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createDataVersion, dropDataVersion } from '../../runtime/data-version';

/**
 * The practice directory's data version: changed by the database on every write to a practice
 * or an ICB. The rollout subgraph keeps the membership it read while the version stays the
 * same (practiceDirectoryVersion), instead of reading every practice for every figure.
 */
export class PracticeDirectoryVersion1764300000000 implements MigrationInterface {
  name = 'PracticeDirectoryVersion1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createDataVersion(queryRunner, 'practice_directory', ['practice', 'integrated_care_board']);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropDataVersion(queryRunner, 'practice_directory', ['practice', 'integrated_care_board']);
  }
}
