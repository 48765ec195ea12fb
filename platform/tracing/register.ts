import { loadTraceConfig } from './trace-config';
import type * as StartTracing from './start-tracing';
import type { Tracing } from './start-tracing';

/**
 * Imported first by every service's main.ts (and `npm start`), so that when traces are
 * configured the SDK hooks `require` before `http`, `pg` or undici is loaded. Unconfigured, it
 * loads no OpenTelemetry code at all: `start-tracing` is required only inside the branch
 * (decision 0076 says why this and not a preload flag).
 */
let tracing: Tracing | undefined;

try {
  const config = loadTraceConfig();
  if (config) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when configured, and synchronously, before anything else
    const { startTracing } = require('./start-tracing') as typeof StartTracing;
    tracing = startTracing(config);
  }
} catch (error) {
  console.error(`tracing failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

/** Sends the spans still buffered; a graceful stop calls it last. Nothing to do when traces are off. */
export async function flushTraces(): Promise<void> {
  await tracing?.shutdown().catch(() => undefined);
}
