import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { AnswerLimits } from './answer-size';
import type { BulkheadLimits } from './bulkheads';
import { developmentOrigins, originProblem } from './cors';
import { READINESS_INTERVAL_MS } from './readiness';
import { DEFAULT_CALL_POLICY, type CallPolicy } from './signed-fetcher';
import { TRUSTED_OPERATION_CACHE_MS } from './trusted-operations';
import { loadIssuers } from './identity/issuer-config';
import type { JwtConfig } from './identity/issuers';
import { DEFAULT_PORTS, metricsListenOf, metricsVariables, parseEnv, port, signingSecret } from '../platform/config';
import type { MetricsConfig } from '../platform/metrics-server';

export interface GatewayConfig {
  host: string;
  port: number;
  /** Where its figures are served (a port of their own); none when absent. */
  metrics?: MetricsConfig;
  supergraphPath: string;
  subgraphUrls: { practices: string; rollout: string; records: string };
  signingSecret: string;
  subgraphTimeoutMs: number;
  /** Retries and circuit breaking of subgraph calls; default DEFAULT_CALL_POLICY. */
  subgraphCalls?: Omit<CallPolicy, 'timeoutMs'>;
  maxBodyBytes: number;
  /** The bounds on answers; default ANSWER_LIMITS (answer-size.ts). */
  answerLimits?: AnswerLimits;
  /** Each share's concurrent operations and queue; default BULKHEAD_LIMITS (bulkheads.ts). */
  bulkheads?: BulkheadLimits;
  jwt: JwtConfig;
  /** How often /readyz's state is refreshed (READINESS_INTERVAL_MS); default readiness.ts's. */
  readinessIntervalMs?: number;
  logLevel: string;
  /** The exact web origins whose browsers may call /graphql (cors.ts); none when absent. */
  corsAllowedOrigins?: readonly string[];
  /** How long an app's trusted operation is kept once found (TRUSTED_OPERATION_CACHE_MS); default trusted-operations.ts's. */
  trustedOperationCacheMs?: number;
  /** Gateway processes serving the port (GATEWAY_WORKERS: a number, or `auto` for one per core); default 1. */
  workers?: number;
}

/** The identity providers the gateway trusts (gateway/identity/, docs/identity.md). */
export type { JwtConfig } from './identity/issuers';

/** A day: `npm run token` issues 12 hours by default; an identity provider's tokens live minutes. */
export const MAX_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

/** GATEWAY_WORKERS: how many gateway processes share the port; `auto` is one per core the process may use. */
const gatewayWorkers = z
  .union([z.literal('auto'), z.coerce.number().int().min(1).max(64)], { error: 'a number from 1 to 64, or auto' })
  .default(1)
  .transform((value) => (value === 'auto' ? availableParallelism() : value));

/** GATEWAY_WORKERS alone (main.ts decides from it whether to fork before anything else is read). */
export function loadGatewayWorkers(env: NodeJS.ProcessEnv = process.env): number {
  return parseEnv({ GATEWAY_WORKERS: gatewayWorkers }, env).GATEWAY_WORKERS;
}

/** CORS_ALLOWED_ORIGINS: comma-separated exact origins; unset means the environment's default (cors.ts). */
const allowedOrigins = z
  .string()
  .optional()
  .transform((value, context) => {
    if (value === undefined) return undefined;
    const origins = value
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== '');
    for (const origin of origins) {
      const problem = originProblem(origin);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    }
    return origins;
  });

const url = (fallbackPort: number) => z.string().url().default(`http://127.0.0.1:${fallbackPort}/graphql`);

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const parsed = parseEnv(
    {
      GATEWAY_PORT: port(4000),
      HOST: z.string().default('127.0.0.1'),
      ...metricsVariables('gateway'),
      SUPERGRAPH_PATH: z.string().default(join(__dirname, '..', 'schema', 'supergraph.graphql')),
      PRACTICES_URL: url(DEFAULT_PORTS.practices),
      ROLLOUT_URL: url(DEFAULT_PORTS.rollout),
      RECORDS_URL: url(DEFAULT_PORTS.records),
      SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
      SUBGRAPH_RETRIES: z.coerce.number().int().min(0).max(3).default(DEFAULT_CALL_POLICY.retries),
      SUBGRAPH_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1000).default(DEFAULT_CALL_POLICY.breaker.failureThreshold),
      SUBGRAPH_BREAKER_OPEN_MS: z.coerce.number().int().min(100).max(600_000).default(DEFAULT_CALL_POLICY.breaker.openMs),
      JWT_MAX_LIFETIME_SECONDS: z.coerce
        .number()
        .int()
        .min(60)
        .max(7 * 24 * 3600)
        .default(MAX_TOKEN_LIFETIME_SECONDS),
      LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      NODE_ENV: z.string().optional(),
      GATEWAY_WORKERS: gatewayWorkers,
      CORS_ALLOWED_ORIGINS: allowedOrigins,
      READINESS_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(READINESS_INTERVAL_MS),
      TRUSTED_OPERATION_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(TRUSTED_OPERATION_CACHE_MS),
    },
    env,
  );
  const issuers = loadIssuers(env, parsed.NODE_ENV === 'production');
  return {
    host: parsed.HOST,
    port: parsed.GATEWAY_PORT,
    metrics: metricsListenOf('gateway', parsed),
    supergraphPath: parsed.SUPERGRAPH_PATH,
    subgraphUrls: { practices: parsed.PRACTICES_URL, rollout: parsed.ROLLOUT_URL, records: parsed.RECORDS_URL },
    signingSecret: signingSecret(env),
    subgraphTimeoutMs: parsed.SUBGRAPH_TIMEOUT_MS,
    subgraphCalls: {
      retries: parsed.SUBGRAPH_RETRIES,
      breaker: { failureThreshold: parsed.SUBGRAPH_BREAKER_FAILURES, openMs: parsed.SUBGRAPH_BREAKER_OPEN_MS },
    },
    maxBodyBytes: 1024 * 1024,
    jwt: { issuers, maxLifetimeSeconds: parsed.JWT_MAX_LIFETIME_SECONDS },
    logLevel: parsed.LOG_LEVEL,
    workers: parsed.GATEWAY_WORKERS,
    readinessIntervalMs: parsed.READINESS_INTERVAL_MS,
    // Production serves no browser origin unless told; development, Sandbox and the example web client.
    corsAllowedOrigins:
      parsed.CORS_ALLOWED_ORIGINS ?? (parsed.NODE_ENV === 'production' ? [] : developmentOrigins(parsed.GATEWAY_PORT)),
    trustedOperationCacheMs: parsed.TRUSTED_OPERATION_CACHE_MS,
  };
}
