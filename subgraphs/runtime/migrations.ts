import type { DataSource } from 'typeorm';
import type { DatabaseConfig } from './config';

/**
 * The first key of the advisory lock every migration run takes ('CAMG': citizen access
 * migrations); the second is hashtext of the schema. PostgreSQL scopes advisory locks to the
 * current database, so the pair means "this database's migrations of this schema": replicas of
 * one subgraph wait for each other, subgraphs in other databases (or schemas) never do.
 */
export const MIGRATION_LOCK_CLASS = 0x43414d47;

/** The migration table's name (TypeORM's `migrationsTableName`). */
export const MIGRATIONS_TABLE = 'migrations';

/** A production start found migrations not yet run: the operator runs `npm run migrate` first. */
export class MigrationsPendingError extends Error {
  constructor(
    readonly service: string,
    readonly pending: readonly string[],
  ) {
    super(
      `${service}: ${pending.length} database migration(s) pending (${pending.join(', ')}); ` +
        'run `npm run migrate` as the schema owner, then start it again (with NODE_ENV=production a service does not migrate at start)',
    );
    this.name = 'MigrationsPendingError';
  }
}

/** The known migrations not yet recorded as run, in the order they run (pure). */
export function pendingMigrations(known: readonly string[], executed: readonly string[]): string[] {
  const done = new Set(executed);
  return known.filter((name) => !done.has(name));
}

/** A migration's name as TypeORM records it: its `name`, else its class's. */
function migrationName(migration: { name?: string; constructor: { name: string } }): string {
  return migration.name ?? migration.constructor.name;
}

/**
 * Production's check: reads the migrations table (changing nothing, not even creating it) and
 * throws MigrationsPendingError if any known migration is missing from it.
 */
export async function refuseIfPending(dataSource: DataSource, service: string): Promise<void> {
  const runner = dataSource.createQueryRunner();
  let executed: string[] = [];
  try {
    if (await runner.hasTable(MIGRATIONS_TABLE)) {
      const rows = (await runner.query(`SELECT name FROM ${MIGRATIONS_TABLE}`)) as { name: string }[];
      executed = rows.map((row) => row.name);
    }
  } finally {
    await runner.release();
  }
  const pending = pendingMigrations(dataSource.migrations.map(migrationName), executed);
  if (pending.length > 0) throw new MigrationsPendingError(service, pending);
}

/**
 * Runs the pending migrations, each in its own transaction, and returns the names of those run.
 * PostgreSQL: under a session advisory lock held on one connection of `dataSource` for the whole
 * run, so replicas starting together (or `npm run migrate` beside them) wait their turn and then
 * find nothing pending. SQLite needs no lock: its file is one service process's store (several
 * replicas need PostgreSQL), and SQLite itself lets one writer at a time in.
 */
export async function runMigrationsLocked(dataSource: DataSource, config: DatabaseConfig): Promise<string[]> {
  if (config.kind === 'sqlite') return names(await dataSource.runMigrations({ transaction: 'each' }));
  const schema = config.schema ?? 'public';
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, schema]);
    try {
      // Under the lock too: two replicas creating one schema at once would collide.
      if (config.schema) await lock.query(`CREATE SCHEMA IF NOT EXISTS "${config.schema.replace(/"/g, '')}"`);
      return names(await dataSource.runMigrations({ transaction: 'each' }));
    } finally {
      // A failed unlock must not hide the migration's own error: the short-lived pool is closed
      // right after, and the session's end frees the lock.
      await lock.query('SELECT pg_advisory_unlock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, schema]).catch(() => undefined);
    }
  } finally {
    await lock.release();
  }
}

const names = (migrations: readonly { name: string }[]) => migrations.map((migration) => migration.name);
