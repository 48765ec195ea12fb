import { createServer } from 'node:http';
import { closeServer, listen, sendJson } from './http';
import type { Logger } from './logger';
import { loggableError } from './safe-log';

/** Where a service serves its figures: a port of its own, never the public one (bound to METRICS_HOST). */
export interface MetricsListen {
  host: string;
  port: number;
}

/** A service's metrics settings: where they are served, and whether Node's process figures are added. */
export interface MetricsConfig extends MetricsListen {
  processMetrics?: boolean;
}

export interface MetricsHandle {
  /** The scrape URL, `http://host:port/metrics`. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * `registry`: a service's prom-client Registry, or what stands for one (cluster-metrics.ts).
 * A listener that answers `GET /metrics` (Prometheus' text format) and nothing else: the figures
 * stay off the public port, so a client of the API never sees them and a scraper needs no token.
 */
export async function serveMetrics(
  registry: { contentType: string; metrics(): Promise<string> },
  where: MetricsListen,
  logger: Logger,
): Promise<MetricsHandle> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (req.method !== 'GET' || path !== '/metrics') return sendJson(res, 404, { error: 'not found' });
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
        res.end(text);
      },
      (error: unknown) => {
        logger.error({ err: loggableError(error) }, 'metrics could not be collected');
        sendJson(res, 500, { error: 'metrics unavailable' });
      },
    );
  });
  const { port, origin } = await listen(server, where.host, where.port);
  return { url: `${origin}/metrics`, port, stop: () => closeServer(server, 1000) };
}
