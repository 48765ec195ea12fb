import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createRecordVersion, dropRecordVersion } from '../store/record-version';

/**
 * Each patient's record version (record-version.ts), so the exact count of the entries a
 * patient sees can be kept between requests and reused while their entries are unchanged:
 * counting was the only part of a first page that grew with the record.
 */
export class PatientRecordVersion1764400000002 implements MigrationInterface {
  name = 'PatientRecordVersion1764400000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createRecordVersion(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropRecordVersion(queryRunner);
  }
}
