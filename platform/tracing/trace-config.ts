import { z } from 'zod';
import { ConfigError } from '../config';

/**
 * Whether this process exports traces, read from the standard OpenTelemetry variables. Unset
 * (no OTLP endpoint), nothing is loaded at all: tracing costs nothing unless configured.
 */
export interface TraceConfig {
  /** OTEL_SERVICE_NAME: names every span of the process; unset, each span is named for the service that handled it. */
  serviceName?: string;
}

const endpoint = (name: string) =>
  z
    .string()
    .url(`${name}: must be an http(s) URL`)
    .refine((value) => /^https?:\/\//.test(value), `${name}: must be an http(s) URL`)
    .optional();

const shape = {
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint('OTEL_EXPORTER_OTLP_ENDPOINT'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'),
  // The exporter speaks OTLP over HTTP with JSON; a collector's OTLP/HTTP receiver takes it on the same port.
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/json']).optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z.enum(['http/json']).optional(),
  OTEL_SERVICE_NAME: z
    .string()
    .regex(/^[A-Za-z][\w.-]{0,62}$/, 'OTEL_SERVICE_NAME: letters, digits, . _ - only')
    .optional(),
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).optional(),
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none']).optional(),
};

/** The trace configuration, or undefined when traces are off; a wrong variable is named in the error. */
export function loadTraceConfig(env: NodeJS.ProcessEnv = process.env): TraceConfig | undefined {
  // Empty values count as unset, as the OpenTelemetry specification says.
  const given = Object.fromEntries(Object.keys(shape).flatMap((key) => (env[key] ? [[key, env[key]]] : [])));
  const result = z.object(shape).safeParse(given);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid trace configuration:\n  ${problems.join('\n  ')}`);
  }
  const parsed = result.data;
  if (!parsed.OTEL_EXPORTER_OTLP_ENDPOINT && !parsed.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return undefined;
  if (parsed.OTEL_SDK_DISABLED === 'true' || parsed.OTEL_TRACES_EXPORTER === 'none') return undefined;
  return parsed.OTEL_SERVICE_NAME ? { serviceName: parsed.OTEL_SERVICE_NAME } : {};
}
