import type { Logger as PinoLogger } from 'pino';
import { DataSource, QueryFailedError, type EntitySchema, type Logger as OrmLogger, type MixedList } from 'typeorm';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseConfig } from './config';

/**
 * Counts SQL statements, so tests can assert that a request costs a constant number of
 * them (loaders that really batch). Statements are logged at debug level without their
 * parameters, which may hold patient data.
 */
export class StatementCounter implements OrmLogger {
  count = 0;
  constructor(private readonly sink?: PinoLogger) {}
  logQuery(query: string): void {
    this.count += 1;
    this.sink?.debug({ sql: query.slice(0, 200) }, 'sql');
  }
  logQueryError(error: string | Error): void {
    this.sink?.error({ err: typeof error === 'string' ? error : error.message }, 'sql error');
  }
  logQuerySlow(time: number, query: string): void {
    this.sink?.warn({ ms: time, sql: query.slice(0, 200) }, 'slow sql');
  }
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    this.sink?.info({ migration: message }, 'migration');
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.sink?.warn({ message: String(message) }, 'typeorm');
  }
}

export interface DatabaseOptions {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  entities: MixedList<EntitySchema<any>>;
  migrations: MixedList<Function>;
  logger?: PinoLogger;
  /** Runs after the migrations, on their connection (the schema owner's, given a migration URL): demo data. */
  prepare?(dataSource: DataSource): Promise<void>;
}

export interface Database {
  dataSource: DataSource;
  statements: StatementCounter;
  close(): Promise<void>;
}

function dataSourceFor(config: DatabaseConfig, options: DatabaseOptions, statements: StatementCounter): DataSource {
  const common = {
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    logger: statements,
    maxQueryExecutionTime: 500,
  };
  if (config.kind === 'sqlite') {
    if (config.path !== ':memory:') mkdirSync(dirname(config.path), { recursive: true });
    return new DataSource({
      ...common,
      type: 'better-sqlite3',
      database: config.path,
      enableWAL: true,
      timeout: 5000,
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('foreign_keys = ON');
        db.pragma('busy_timeout = 5000');
      },
    });
  }
  return new DataSource({
    ...common,
    type: 'postgres',
    url: config.url,
    ...(config.schema ? { schema: config.schema } : {}),
    extra: {
      max: 10,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
      statement_timeout: 10_000,
      ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
    },
  });
}

/**
 * Opens the database and brings its schema up to date with the migrations (then prepares it).
 * Given a migration URL, the schema owner does that through a connection of its own, closed
 * before the service's user connects: that user then needs no DDL rights, only its grants
 * (docker/postgres/records-grants.sql), which may be given after it connects.
 */
export async function openDatabase(config: DatabaseConfig, options: DatabaseOptions): Promise<Database> {
  const statements = new StatementCounter(options.logger);
  const owner = config.kind === 'postgres' && config.migrationUrl ? { ...config, url: config.migrationUrl } : undefined;
  if (owner) {
    const migrating = dataSourceFor(owner, options, new StatementCounter(options.logger));
    await migrating.initialize();
    try {
      await migrate(migrating, config, options);
    } finally {
      await migrating.destroy();
    }
  }
  const dataSource = dataSourceFor(config, options, statements);
  await dataSource.initialize();
  try {
    if (!owner) await migrate(dataSource, config, options);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return {
    dataSource,
    statements,
    close: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}

async function migrate(dataSource: DataSource, config: DatabaseConfig, options: DatabaseOptions): Promise<void> {
  if (config.kind === 'postgres' && config.schema) {
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${config.schema.replace(/"/g, '')}"`);
  }
  await dataSource.runMigrations({ transaction: 'each' });
  await options.prepare?.(dataSource);
}

/** A cheap round trip, for /readyz. */
export async function databaseAnswers(dataSource: DataSource): Promise<boolean> {
  try {
    await dataSource.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}

/** Whether a write failed on a unique index (SQLite and PostgreSQL word it differently). */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: unknown } | undefined)?.code;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed|duplicate key/i.test(error.message)
  );
}
