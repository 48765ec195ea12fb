import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * What each exclusion event did (domain/exclusion.ts EXCLUSION_KINDS): a clinician's exclusion
 * and lift and the patient's own decline and its withdrawal are told apart, since a withdrawal
 * records the same SNOMED CT concept (103) as the decline it ends. Rows stored before it have no
 * kind and read as their code says.
 */
export class ExclusionEventKind1764500000002 implements MigrationInterface {
  name = 'ExclusionEventKind1764500000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'exclusion_event',
      new TableColumn({ name: 'kind', type: 'varchar', length: '32', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('exclusion_event', 'kind');
  }
}
