import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Approved apps, their rate-limit buckets, and the two append-only logs (reads and changes).
 * Table API: one migration, both databases. The running service needs no UPDATE or DELETE on
 * the logs; docker/postgres/records-grants.sql grants exactly what it needs.
 */
export class AddAppsAndLogs1764100000002 implements MigrationInterface {
  name = 'AddAppsAndLogs1764100000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'approved_app',
        columns: [
          { name: 'client_id', type: 'varchar', length: '100', isPrimary: true },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'scopes', type: 'varchar', length: '500' },
          { name: 'approved_at', type: 'bigint' },
          { name: 'approved_by', type: 'varchar', length: '200' },
          { name: 'revoked_at', type: 'bigint', isNullable: true },
          { name: 'revoked_by', type: 'varchar', length: '200', isNullable: true },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'app_rate_limit',
        columns: [
          { name: 'client_id', type: 'varchar', length: '100', isPrimary: true },
          { name: 'tokens', type: 'double precision' },
          { name: 'refilled_at', type: 'bigint' },
        ],
      }),
    );
    const logColumns = [
      { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' as const },
      { name: 'at', type: 'bigint' },
      { name: 'request_id', type: 'varchar', length: '100' },
      { name: 'actor_role', type: 'varchar', length: '16' },
      { name: 'actor_id', type: 'varchar', length: '200' },
    ];
    await queryRunner.createTable(
      new Table({
        name: 'access_log',
        columns: [
          ...logColumns,
          { name: 'client_id', type: 'varchar', length: '100', isNullable: true },
          { name: 'app_name', type: 'varchar', length: '200', isNullable: true },
          { name: 'nhs_number', type: 'varchar', length: '10' },
          { name: 'view', type: 'varchar', length: '16' },
          { name: 'entry_count', type: 'integer' },
          { name: 'outcome', type: 'varchar', length: '16' },
        ],
      }),
    );
    await queryRunner.createIndex(
      'access_log',
      new TableIndex({ name: 'access_log_patient', columnNames: ['nhs_number', 'at', 'id'] }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'change_log',
        columns: [
          ...logColumns,
          { name: 'action', type: 'varchar', length: '32' },
          { name: 'nhs_number', type: 'varchar', length: '10', isNullable: true },
          { name: 'entry_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'client_id', type: 'varchar', length: '100', isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndex(
      'change_log',
      new TableIndex({ name: 'change_log_patient', columnNames: ['nhs_number', 'at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['change_log', 'access_log', 'app_rate_limit', 'approved_app']) await queryRunner.dropTable(table);
  }
}
