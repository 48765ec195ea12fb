import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';

export interface ReceivedRequests<K extends string> {
  /** How many HTTP requests (any method, any path) each server has received so far. */
  counts(): Record<K, number>;
  stop(): void;
}

/**
 * Counts the HTTP requests that servers of this process receive, told apart by the port they
 * listen on. Node announces every request a server accepts on this diagnostics channel, so
 * nothing in the servers changes and a request that runs no SQL is counted as well.
 */
export function countReceivedRequests<K extends string>(ports: Record<K, number>): ReceivedRequests<K> {
  const names = Object.keys(ports) as K[];
  const counts = Object.fromEntries(names.map((name) => [name, 0])) as Record<K, number>;
  const onRequest = (message: unknown) => {
    const port = (message as { request: IncomingMessage }).request.socket.localPort;
    const name = names.find((candidate) => ports[candidate] === port);
    if (name) counts[name] += 1;
  };
  subscribe('http.server.request.start', onRequest);
  return { counts: () => ({ ...counts }), stop: () => unsubscribe('http.server.request.start', onRequest) };
}
