import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';

export interface ReceivedRequests<K extends string> {
  /** How many HTTP requests (any method; any path unless `paths` was given) each server has received so far. */
  counts(): Record<K, number>;
  stop(): void;
}

/**
 * Counts the HTTP requests that servers of this process receive, told apart by the port they
 * listen on. Node announces every request a server accepts on this diagnostics channel, so
 * nothing in the servers changes and a request that runs no SQL is counted as well. `paths`
 * counts only requests to those paths (the supergraph counts /graphql: the gateway's background
 * readiness probes are not a client's doing).
 */
export function countReceivedRequests<K extends string>(
  ports: Record<K, number>,
  options: { paths?: readonly string[] } = {},
): ReceivedRequests<K> {
  const names = Object.keys(ports) as K[];
  const counts = Object.fromEntries(names.map((name) => [name, 0])) as Record<K, number>;
  const onRequest = (message: unknown) => {
    const { request } = message as { request: IncomingMessage };
    if (options.paths && !options.paths.includes((request.url ?? '/').split('?', 1)[0]!)) return;
    const port = request.socket.localPort;
    const name = names.find((candidate) => ports[candidate] === port);
    if (name) counts[name] += 1;
  };
  subscribe('http.server.request.start', onRequest);
  return { counts: () => ({ ...counts }), stop: () => unsubscribe('http.server.request.start', onRequest) };
}
