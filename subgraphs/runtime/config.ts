import { join } from 'node:path';
import { z } from 'zod';
import {
  ConfigError,
  dataDir,
  DEFAULT_PORTS,
  metricsListenOf,
  metricsVariables,
  milliseconds,
  parseEnv,
  port,
  signingSecret,
  type SubgraphName,
} from '../../platform/config';
import type { MetricsConfig } from '../../platform/metrics-server';
import { DEFAULT_MAX_CLOCK_SKEW_MS, MAX_CLOCK_SKEW_LIMIT_MS } from './clock-skew';

export const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (unset it for the embedded SQLite file)')
  .optional();
const flag = z
  .enum(['1', '0', 'true', 'false', ''])
  .optional()
  .transform((value) => value === '1' || value === 'true');
/** A flag that is on unless set to 0 or false. */
const flagOn = z
  .enum(['1', '0', 'true', 'false', ''])
  .optional()
  .transform((value) => value !== '0' && value !== 'false');

/**
 * How long a service waits on its database, and how many connections it holds. Each limit
 * turns a database that is slow, locked or gone into a prompt error instead of a hang.
 */
export interface DatabaseLimits {
  /** SQLite: how long a statement waits for another connection's lock before SQLITE_BUSY. */
  busyTimeoutMs: number;
  /** PostgreSQL: the most connections the pool holds. */
  poolSize: number;
  /** PostgreSQL: how long a query waits for a connection (a free one, or a new one opened). */
  connectTimeoutMs: number;
  /** PostgreSQL: an unused connection is closed after this long. */
  idleTimeoutMs: number;
  /** PostgreSQL: the server cancels a statement (or an idle open transaction) after this long; migrations excepted. */
  statementTimeoutMs: number;
  /**
   * PostgreSQL: run the short parameterised statements as named prepared statements (default
   * true; prepared-statements.ts). Off behind a pooler that cannot keep them per connection.
   */
  preparedStatements?: boolean;
}

export const DEFAULT_DATABASE_LIMITS: DatabaseLimits = {
  busyTimeoutMs: 5000,
  poolSize: 10,
  connectTimeoutMs: 5000,
  idleTimeoutMs: 30_000,
  statementTimeoutMs: 10_000,
  preparedStatements: true,
};

/**
 * Where a subgraph keeps its data: PostgreSQL when a URL is given, else a SQLite file. With a
 * `migrationUrl` (the schema owner), the migrations run through that, and the service's own
 * user, `url`, needs no DDL rights. `applicationName` names its connections in pg_stat_activity.
 * Without `limits`, DEFAULT_DATABASE_LIMITS.
 */
export type DatabaseConfig = (
  | { kind: 'postgres'; url: string; schema?: string; migrationUrl?: string; applicationName?: string }
  | { kind: 'sqlite'; path: string }
) & { limits?: DatabaseLimits };

export interface SubgraphConfig {
  name: SubgraphName;
  host: string;
  port: number;
  /** Where its figures are served (a port of their own); none when absent. */
  metrics?: MetricsConfig;
  database: DatabaseConfig;
  /**
   * Whether the service runs its pending migrations at start (development and tests; default
   * true) or, with NODE_ENV=production, refuses to start while any is pending: there
   * `npm run migrate` is a deployment step of its own.
   */
  migrateAtStart?: boolean;
  signingSecret: string;
  logLevel: string;
  demoData: boolean;
  /** Other subgraphs this one calls directly (rollout asks practices about suppliers). */
  practicesUrl: string;
  /** Rollout: the least notice, in days, a supplier must give a practice of a planned switch-on. */
  minimumNoticeDays: number;
  /**
   * Records: each approved app's token bucket (requests per second on average, and at once), and
   * each (app, patient)'s own bucket within it; without `perPatient`, as large as the app's.
   */
  appRateLimit: { perSecond: number; burst: number; perPatient?: { perSecond: number; burst: number } };
  /**
   * Records: how far the rollout and records clocks may disagree, in ms. An entry that became
   * available this close to a switch-on, pause or resume is not shown (docs/domain.md "Instants from
   * different clocks").
   */
  clockToleranceMs: number;
  /** How far this service's clock may be from the gateway's before it fails closed (clock-skew.ts); default 30 s. */
  maxClockSkewMs?: number;
}

/** Twice each subgraph's largest accepted skew against the gateway: two subgraphs within it of the gateway are within this of each other. */
export const DEFAULT_CLOCK_TOLERANCE_MS = 2 * DEFAULT_MAX_CLOCK_SKEW_MS;

/** The DATABASE_* variables every subgraph reads (the PostgreSQL ones are ignored on SQLite). */
const databaseLimitVariables = {
  DATABASE_BUSY_TIMEOUT_MS: milliseconds(DEFAULT_DATABASE_LIMITS.busyTimeoutMs, 0, 60_000),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(DEFAULT_DATABASE_LIMITS.poolSize),
  DATABASE_CONNECT_TIMEOUT_MS: milliseconds(DEFAULT_DATABASE_LIMITS.connectTimeoutMs, 100, 60_000),
  DATABASE_IDLE_TIMEOUT_MS: milliseconds(DEFAULT_DATABASE_LIMITS.idleTimeoutMs, 1000, 3_600_000),
  DATABASE_STATEMENT_TIMEOUT_MS: milliseconds(DEFAULT_DATABASE_LIMITS.statementTimeoutMs, 100, 600_000),
  DATABASE_PREPARED_STATEMENTS: flagOn,
};

/**
 * A subgraph's database alone, from the same variables: what `npm run migrate` needs (it serves
 * nothing, so it needs no port or signing secret).
 */
export function loadDatabaseConfig(name: SubgraphName, env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const upper = name.toUpperCase();
  const parsed = parseEnv(
    {
      [`${upper}_DATABASE_URL`]: postgresUrl,
      [`${upper}_MIGRATION_DATABASE_URL`]: postgresUrl,
      ...databaseLimitVariables,
    },
    env,
  ) as Record<string, unknown>;
  return databaseConfigFrom(name, parsed, env);
}

function databaseConfigFrom(name: SubgraphName, parsed: Record<string, unknown>, env: NodeJS.ProcessEnv): DatabaseConfig {
  const upper = name.toUpperCase();
  const url = parsed[`${upper}_DATABASE_URL`] as string | undefined;
  const migrationUrl = parsed[`${upper}_MIGRATION_DATABASE_URL`] as string | undefined;
  if (migrationUrl && !url) {
    throw new ConfigError(`${upper}_MIGRATION_DATABASE_URL: needs ${upper}_DATABASE_URL (it is for PostgreSQL only)`);
  }
  const limits: DatabaseLimits = {
    busyTimeoutMs: parsed.DATABASE_BUSY_TIMEOUT_MS as number,
    poolSize: parsed.DATABASE_POOL_SIZE as number,
    connectTimeoutMs: parsed.DATABASE_CONNECT_TIMEOUT_MS as number,
    idleTimeoutMs: parsed.DATABASE_IDLE_TIMEOUT_MS as number,
    statementTimeoutMs: parsed.DATABASE_STATEMENT_TIMEOUT_MS as number,
    preparedStatements: parsed.DATABASE_PREPARED_STATEMENTS as boolean,
  };
  return url
    ? { kind: 'postgres', url, applicationName: `citizen-access-${name}`, ...(migrationUrl ? { migrationUrl } : {}), limits }
    : { kind: 'sqlite', path: join(dataDir(env), `${name}.sqlite`), limits };
}

export function loadSubgraphConfig(name: SubgraphName, env: NodeJS.ProcessEnv = process.env): SubgraphConfig {
  const upper = name.toUpperCase();
  const parsed = parseEnv(
    {
      [`${upper}_PORT`]: port(DEFAULT_PORTS[name]),
      [`${upper}_DATABASE_URL`]: postgresUrl,
      [`${upper}_MIGRATION_DATABASE_URL`]: postgresUrl,
      HOST: z.string().default('127.0.0.1'),
      ...metricsVariables(name),
      LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      DEMO_DATA: flag,
      PRACTICES_URL: z.string().url().default(`http://127.0.0.1:${DEFAULT_PORTS.practices}/graphql`),
      ROLLOUT_MINIMUM_NOTICE_DAYS: z.coerce.number().min(0).max(365).default(7),
      APP_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().max(100_000).default(10),
      APP_RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(100_000).default(20),
      APP_PATIENT_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().max(100_000).default(1),
      APP_PATIENT_RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(100_000).default(5),
      CLOCK_TOLERANCE_MS: milliseconds(DEFAULT_CLOCK_TOLERANCE_MS, 0, 3_600_000),
      // At least a second (time in flight counts as skew too); at most half the replay window (clock-skew.ts).
      MAX_CLOCK_SKEW_MS: milliseconds(DEFAULT_MAX_CLOCK_SKEW_MS, 1000, MAX_CLOCK_SKEW_LIMIT_MS),
      ...databaseLimitVariables,
    },
    env,
  ) as Record<string, unknown>;
  const database = databaseConfigFrom(name, parsed, env);
  const [tolerance, maxSkew] = [parsed.CLOCK_TOLERANCE_MS as number, parsed.MAX_CLOCK_SKEW_MS as number];
  if (name === 'records' && tolerance < 2 * maxSkew) {
    // Rollout and records may each be maxSkew from the gateway, in opposite directions.
    throw new ConfigError(`CLOCK_TOLERANCE_MS: must be at least twice MAX_CLOCK_SKEW_MS (${2 * maxSkew})`);
  }
  const appRateLimit = {
    perSecond: parsed.APP_RATE_LIMIT_PER_SECOND as number,
    burst: parsed.APP_RATE_LIMIT_BURST as number,
    perPatient: {
      perSecond: parsed.APP_PATIENT_RATE_LIMIT_PER_SECOND as number,
      burst: parsed.APP_PATIENT_RATE_LIMIT_BURST as number,
    },
  };
  // One patient must not be able to use up the bucket the app's other patients share.
  const { perPatient } = appRateLimit;
  if (name === 'records' && (perPatient.perSecond >= appRateLimit.perSecond || perPatient.burst >= appRateLimit.burst)) {
    throw new ConfigError('APP_PATIENT_RATE_LIMIT_PER_SECOND and _BURST: must be below APP_RATE_LIMIT_PER_SECOND and _BURST');
  }
  return {
    name,
    host: parsed.HOST as string,
    port: parsed[`${upper}_PORT`] as number,
    metrics: metricsListenOf(name, parsed),
    database,
    migrateAtStart: env.NODE_ENV !== 'production',
    signingSecret: signingSecret(env),
    logLevel: parsed.LOG_LEVEL as string,
    demoData: parsed.DEMO_DATA as boolean,
    practicesUrl: parsed.PRACTICES_URL as string,
    minimumNoticeDays: parsed.ROLLOUT_MINIMUM_NOTICE_DAYS as number,
    appRateLimit,
    clockToleranceMs: tolerance,
    maxClockSkewMs: maxSkew,
  };
}
