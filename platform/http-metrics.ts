import type { ServerResponse } from 'node:http';
import { Counter, type Registry } from 'prom-client';

const ROUTES = new Set(['/graphql', '/healthz', '/readyz']);

/**
 * Every answer a service's public port gives, by route (graphql, healthz, readyz, other) and
 * status code: the refusals made before GraphQL runs (no or bad token, a body too large, an
 * unsigned request to a subgraph, a full share) show here and nowhere in graphql_requests_total.
 * A path a client sends is never a label: any other path is `other`.
 */
export function httpMetrics(registry: Registry): (path: string, res: ServerResponse) => void {
  const responses = new Counter({
    name: 'http_responses_total',
    help: 'HTTP answers on the public port, by route (graphql, healthz, readyz, other) and status code',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
  return (path, res) => {
    const route = ROUTES.has(path) ? path.slice(1) : 'other';
    res.once('finish', () => responses.inc({ route, status: String(res.statusCode) }));
  };
}
