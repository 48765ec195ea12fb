import type { Server } from 'node:http';

/** The W3C trace context and baggage headers a client may send. */
export const TRACE_CONTEXT_HEADERS = ['traceparent', 'tracestate', 'baggage'] as const;

/**
 * The public gateway starts a new trace for every request and never continues a client's:
 * an untrusted client must not choose trace ids (which could carry data of its own) or force
 * sampling (decision 0076). The headers are removed before the HTTP instrumentation, which
 * wraps the server's `emit`, reads them; the subgraphs keep the gateway's.
 */
export function dropClientTraceContext(server: Server): void {
  // The prototype's emit, as the HTTP instrumentation wrapped it: called with this server as `this`.
  const prototype = Object.getPrototypeOf(server) as Pick<Server, 'emit'>;
  server.emit = function (this: Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request') {
      const headers = (args[0] as { headers: Record<string, unknown> }).headers;
      for (const name of TRACE_CONTEXT_HEADERS) delete headers[name];
    }
    return Reflect.apply(prototype.emit, this, [event, ...args]) as boolean;
  } as Server['emit'];
}
