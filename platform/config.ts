import { join, resolve } from 'node:path';
import { z } from 'zod';
import { devSigningSecret } from './dev-secrets';

/**
 * Config is read once, at start, from the environment into a typed object; a missing or
 * wrong variable stops the service with a message that names it.
 */
export class ConfigError extends Error {}

export function parseEnv<T extends z.ZodRawShape>(shape: T, env: NodeJS.ProcessEnv): z.infer<z.ZodObject<T>> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return result.data;
}

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** Whole milliseconds within a range, with a default. */
export const milliseconds = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export type SubgraphName = 'practices' | 'rollout' | 'records';
export const DEFAULT_PORTS: Record<SubgraphName, number> = { practices: 4001, rollout: 4002, records: 4003 };

/** Each service's metrics port (platform/metrics-server.ts): never published, distinct so one machine can run all four. */
export const DEFAULT_METRICS_PORTS: Record<SubgraphName | 'gateway', number> = {
  gateway: 9400,
  practices: 9401,
  rollout: 9402,
  records: 9403,
};

/**
 * `<SERVICE>_METRICS_PORT` and `METRICS_HOST` (default 127.0.0.1: only the machine itself, or a
 * scraper beside it, reaches the figures; 0.0.0.0 on a private network such as compose's).
 */
export const metricsVariables = (service: SubgraphName | 'gateway') => ({
  [`${service.toUpperCase()}_METRICS_PORT`]: port(DEFAULT_METRICS_PORTS[service]),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
});

export function metricsListenOf(service: SubgraphName | 'gateway', parsed: Record<string, unknown>) {
  return {
    host: parsed.METRICS_HOST as string,
    port: parsed[`${service.toUpperCase()}_METRICS_PORT`] as number,
    processMetrics: true,
  };
}

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.DATA_DIR ?? join(process.cwd(), 'data'));
}

/** The signing secret: required in production; in development generated once under data/. */
export function signingSecret(env: NodeJS.ProcessEnv): string {
  const secret = env.SUBGRAPH_SIGNING_SECRET;
  if (secret) {
    if (secret.length < 32) throw new ConfigError('SUBGRAPH_SIGNING_SECRET: must be at least 32 characters');
    return secret;
  }
  if (env.NODE_ENV === 'production') throw new ConfigError('SUBGRAPH_SIGNING_SECRET: required in production');
  return devSigningSecret(dataDir(env));
}
