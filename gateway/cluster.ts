import cluster, { type Worker } from 'node:cluster';
import type { ServiceHandle } from '../platform/http';
import type { Logger } from '../platform/logger';
import type { MetricsConfig } from '../platform/metrics-server';
import type { GatewayHandle } from './server';
import { serveClusterMetrics, shareWorkerMetrics } from './cluster-metrics';

/**
 * GATEWAY_WORKERS > 1: one gateway process per worker, all serving one port (node:cluster; the
 * primary accepts connections and hands them to the workers in turn), so the gateway uses
 * every core it is given. The primary serves nothing itself:
 *
 * - it says `gateway ready at URL (N workers)` once every worker listens (and not before, so
 *   whoever waits for that line, a test or the benchmark, finds them all up);
 * - on SIGTERM or SIGINT it passes SIGTERM to every worker, each stops as a lone gateway does
 *   (no new connections, requests in flight answered, then exit), and the primary exits once
 *   they all have: 0 if every worker exited 0;
 * - a worker that dies unexpectedly is replaced; one that fails before it is ready stops the
 *   whole gateway (a bad configuration, a port in use: replacing it would fail again);
 * - a worker whose primary is gone stops by itself.
 *
 * Each worker verifies tokens, plans and calls subgraphs on its own (its own plan cache,
 * verified-token cache, connections and circuit breakers), exactly as one gateway process would.
 */
const READY = 'gateway-worker-ready';

interface ReadyMessage {
  kind: typeof READY;
  url: string;
}

const isReady = (message: unknown): message is ReadyMessage =>
  typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === READY;

/**
 * The primary: forks `workers` gateway workers (this same entry file) and watches over them.
 * Given `metrics`, it serves the workers' figures combined there (cluster-metrics.ts) before any
 * worker starts; a port it cannot take stops it.
 */
export async function runGatewayPrimary(
  workers: number,
  options: { stopGraceMs?: number; metrics?: MetricsConfig; logger?: Logger } = {},
): Promise<void> {
  if (options.metrics && options.logger) {
    try {
      await serveClusterMetrics(options.metrics, options.logger);
    } catch (error) {
      console.error(`gateway failed to start: metrics port: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
  }
  const ready = new Set<Worker>();
  let url: string | undefined;
  let announced = false;
  let stopping = false;
  let failed = false;

  const stopAll = (signal: NodeJS.Signals) => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    // Each worker cuts what is left after its own grace period; this is the backstop.
    setTimeout(() => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      failed = true;
    }, options.stopGraceMs ?? 30_000).unref();
  };
  const fork = () => {
    const worker = cluster.fork();
    worker.on('message', (message: unknown) => {
      if (!isReady(message)) return;
      url ??= message.url;
      ready.add(worker);
      if (!announced && ready.size === workers) {
        announced = true;
        console.log(`gateway ready at ${url} (${workers} workers)`);
      }
    });
  };

  cluster.on('exit', (worker, code, signal) => {
    const wasReady = ready.delete(worker);
    if (stopping) {
      if (code !== 0) failed = true;
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(failed ? 1 : 0);
      return;
    }
    if (!wasReady) {
      console.error(`gateway worker ${worker.process.pid} failed to start (${signal ?? code}): stopping`);
      stopping = true;
      stopAll('SIGTERM');
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(1);
      return;
    }
    console.error(`gateway worker ${worker.process.pid} exited (${signal ?? code}): starting another`);
    fork();
  });
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`gateway: ${signal} received, stopping ${Object.keys(cluster.workers ?? {}).length} workers`);
    stopAll('SIGTERM');
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  for (let i = 0; i < workers; i += 1) fork();
}

/**
 * A worker: starts one gateway (without a metrics port: its figures go to the primary), tells
 * the primary where it listens, stops gracefully when told.
 */
export function runGatewayWorker(start: () => Promise<ServiceHandle | GatewayHandle>): void {
  start()
    .then((handle) => {
      if ('metrics' in handle) shareWorkerMetrics(handle.metrics);
      process.send?.({ kind: READY, url: handle.url } satisfies ReadyMessage);
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        handle.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      // The primary is gone (killed): no one hands this worker connections any more.
      process.on('disconnect', stop);
    })
    .catch((error: unknown) => {
      console.error(`gateway worker failed to start: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
}
