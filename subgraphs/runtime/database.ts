import type { Logger as PinoLogger } from 'pino';
import { Client, type ClientConfig } from 'pg';
import { DataSource, QueryFailedError, type EntitySchema, type Logger as OrmLogger, type MixedList } from 'typeorm';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULT_DATABASE_LIMITS, type DatabaseConfig } from './config';
import { loggableError } from '../../platform/safe-log';
import { timeQueries, type QueryObserver } from './database-metrics';
import { refuseIfPending, runMigrationsLocked } from './migrations';
import { bindIntegersAsParameters } from '../../patches/typeorm-sqlite-parameters';
import { oneTransactionAtATime } from '../../patches/typeorm-sqlite-transactions';
import { PreparedNames, preparingClient } from './prepared-statements';

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
  /**
   * true (development, tests; the default): run the pending migrations at start, under the lock.
   * false (production): run none, and refuse to start while any is pending (`npm run migrate` runs them).
   */
  migrateAtStart?: boolean;
  /** The service's name, for the refusal's message. */
  service?: string;
  /** Told each statement's time once the service serves (the migrations' are not counted). */
  observeQuery?: QueryObserver;
}

export interface Database {
  dataSource: DataSource;
  statements: StatementCounter;
  close(): Promise<void>;
}

/**
 * `migrating`: the short-lived connection that runs the migrations (and the demo data) has no
 * statement timeout, since a new index on a big table may well take longer than a request may.
 */
function dataSourceFor(
  config: DatabaseConfig,
  options: Pick<DatabaseOptions, 'entities' | 'migrations' | 'logger'>,
  statements: StatementCounter,
  migrating = false,
): DataSource {
  const limits = config.limits ?? DEFAULT_DATABASE_LIMITS;
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
      // WAL: readers never wait for the writer, nor it for them; TypeORM sets it after prepareDatabase.
      enableWAL: true,
      // better-sqlite3 hands this to sqlite3_busy_timeout: a write waits this long for another
      // connection's (another process's) lock before failing with SQLITE_BUSY.
      timeout: limits.busyTimeoutMs,
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        // With WAL, NORMAL syncs at checkpoints only: a crash of the process loses nothing
        // committed, a power cut may lose the last transactions but never corrupts the file.
        db.pragma('synchronous = NORMAL');
        db.pragma('foreign_keys = ON'); // TypeORM sets it too; said here so no rule rests on that
      },
    });
  }
  return new DataSource({
    ...common,
    type: 'postgres',
    url: config.url,
    ...(config.schema ? { schema: config.schema } : {}),
    ...(config.applicationName ? { applicationName: config.applicationName } : {}),
    // Migrating: one connection holds the advisory lock while another runs the migrations.
    poolSize: migrating ? Math.max(2, limits.poolSize) : limits.poolSize,
    connectTimeoutMS: limits.connectTimeoutMs,
    // An idle pooled connection that the server ends (a restart, pg_terminate_backend, a network
    // cut) makes the pool emit 'error'; the pool has already dropped it and opens another when
    // needed. Unhandled, that 'error' would end the process: TypeORM listens, and so do we, to say so.
    poolErrorHandler: (error: unknown) =>
      options.logger?.warn({ err: loggableError(error) }, 'database connection lost; the pool replaces it'),
    extra: {
      Client:
        migrating || limits.preparedStatements === false
          ? clientThatNeverCrashes(options.logger)
          : preparingClient(clientThatNeverCrashes(options.logger), new PreparedNames()),
      idleTimeoutMillis: limits.idleTimeoutMs,
      ...(migrating
        ? {}
        : { statement_timeout: limits.statementTimeoutMs, idle_in_transaction_session_timeout: limits.statementTimeoutMs }),
      // TCP keep-alive finds a server that vanished without closing the connection (a host gone).
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
    },
  });
}

/**
 * A connection with an 'error' listener from birth to end. The pool listens to its idle
 * connections and TypeORM to the one it holds, but in between (a connection being released
 * because it failed, as the server shuts down) a second error from the same dying socket met
 * no listener, and an unheard 'error' ends the process: seen when PostgreSQL was restarted under
 * traffic (test/e2e/database-faults.test.ts). The query that used the connection still fails,
 * and the pool still replaces it; this only keeps the service alive to serve the next request.
 */
function clientThatNeverCrashes(logger: PinoLogger | undefined): typeof Client {
  return class extends Client {
    constructor(config?: string | ClientConfig) {
      super(config);
      this.on('error', (error: unknown) =>
        logger?.warn({ err: loggableError(error) }, 'database connection lost; the pool replaces it'),
      );
    }
  };
}

/**
 * Opens the database and brings its schema up to date with the migrations (then prepares it);
 * with `migrateAtStart: false`, checks instead that none is pending (see migrations.ts).
 * On PostgreSQL the migrations run through a connection of their own, without the statement
 * timeout, closed before the service connects; given a migration URL, as the schema owner: the
 * service's user then needs no DDL rights, only its grants (docker/postgres/<name>-grants.sql),
 * which may be given after it connects.
 */
export async function openDatabase(config: DatabaseConfig, options: DatabaseOptions): Promise<Database> {
  const statements = new StatementCounter(options.logger);
  if (config.kind === 'postgres') {
    const migrating = await openMigrating(config, options);
    try {
      await migrateOrCheck(migrating, config, options);
    } finally {
      await migrating.destroy();
    }
  }
  const dataSource = dataSourceFor(config, options, statements);
  await dataSource.initialize();
  try {
    if (config.kind === 'sqlite') await migrateOrCheck(dataSource, config, options);
    if (options.observeQuery) timeQueries(dataSource, options.observeQuery);
    // After the migrations and the seed, which run alone: from here requests share the connection.
    oneTransactionAtATime(dataSource);
    bindIntegersAsParameters(dataSource);
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

/** The schema owner's short-lived connection (the service's own URL when no migration URL is given). */
async function openMigrating(
  config: Extract<DatabaseConfig, { kind: 'postgres' }>,
  options: Pick<DatabaseOptions, 'entities' | 'migrations' | 'logger'>,
): Promise<DataSource> {
  const owner = { ...config, url: config.migrationUrl ?? config.url };
  const migrating = dataSourceFor(owner, options, new StatementCounter(options.logger), true);
  await migrating.initialize();
  return migrating;
}

async function migrateOrCheck(dataSource: DataSource, config: DatabaseConfig, options: DatabaseOptions): Promise<void> {
  if (options.migrateAtStart === false) await refuseIfPending(dataSource, options.service ?? 'this service');
  else {
    const ran = await runMigrationsLocked(dataSource, config);
    // Which replica ran what: with the lock, each migration appears once across them all.
    if (ran.length > 0) options.logger?.info({ migrations: ran }, 'migrations run');
  }
  await options.prepare?.(dataSource);
}

/**
 * `npm run migrate`'s work for one subgraph: runs its pending migrations, as the schema owner,
 * under the lock, and nothing else (no demo data). Returns the names of those it ran.
 */
export async function migrateDatabase(
  config: DatabaseConfig,
  options: Pick<DatabaseOptions, 'entities' | 'migrations' | 'logger'>,
): Promise<string[]> {
  let dataSource: DataSource;
  if (config.kind === 'postgres') dataSource = await openMigrating(config, options);
  else {
    dataSource = dataSourceFor(config, options, new StatementCounter(options.logger));
    await dataSource.initialize();
  }
  try {
    return await runMigrationsLocked(dataSource, config);
  } finally {
    await dataSource.destroy();
  }
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
