import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import type { Registry } from 'prom-client';
import { httpMetrics } from './http-metrics';
import type { Logger } from './logger';
import { loggableError } from './safe-log';
import { dropClientTraceContext } from './tracing/client-trace-context';
import { forgetServicePort, noteServicePort } from './tracing/span-services';

/** The small HTTP layer the gateway and the subgraphs share (Node's http, no framework). */
export class BodyTooLargeError extends Error {}

export function readBody(req: IncomingMessage, limitBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limitBytes) {
      req.resume();
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** One request header's value (the first, if sent more than once). */
export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function headerMapOf(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * A GraphQL-shaped error body for refusals made before GraphQL runs (401, 413, ...), with the
 * request's id when the service gives one (the gateway's x-request-id).
 */
export function errorBody(code: string, message: string, requestId?: string) {
  return { errors: [{ message, extensions: { code, ...(requestId === undefined ? {} : { requestId }) } }] };
}

/** The id a handler gave the request (its x-request-id header), if it gave one. */
function requestIdOf(res: ServerResponse): string | undefined {
  const id = res.getHeader('x-request-id');
  return typeof id === 'string' ? id : undefined;
}

export async function sendGraphQLResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [key, value] of response.headers) headers[key] = value;
  res.statusCode = response.status ?? 200;
  for (const [key, value] of Object.entries(headers)) res.setHeader(key, value);
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/** Listens (port 0 picks a free port, as the tests do) and returns the base URL. */
export function listen(server: Server, host: string, port: number): Promise<{ port: number; origin: string }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
      resolve({ port: address.port, origin: `http://${shownHost}:${address.port}` });
    });
  });
}

/**
 * Graceful stop: no new connections, in-flight requests finish, idle keep-alive sockets
 * close at once, and each busy one as soon as its answer is out (a client's keep-alive, the
 * gateway's say, would otherwise hold the stop up); whatever is still open after `graceMs` is cut.
 */
export function closeServer(server: Server, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    sweep.unref();
    cut.unref();
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}

export interface ServiceHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * The HTTP shell every service shares: `GET /healthz` (the process is up), `GET /readyz` (its
 * dependencies answer), `/graphql` handed to the service, 404 for the rest (the figures are
 * served on a port of their own, metrics-server.ts, never this public one); an unexpected
 * failure is logged without its data and answered 500; `stop()` is graceful.
 */
export async function serveHttp(options: {
  name: string;
  host: string;
  port: number;
  logger: Logger;
  /** Given the probe's request: the gateway's probe of a subgraph carries a signed timestamp. */
  readiness(req: IncomingMessage): Promise<{ ready: boolean } & Record<string, unknown>>;
  graphql(req: IncomingMessage, res: ServerResponse, search: string): Promise<void> | void;
  onStop(): Promise<void>;
  /** Where each answer is counted by route and status (http-metrics.ts); served on the metrics port, never here. */
  metrics?: Registry;
  /** The public gateway: a client's trace context is dropped, every request starts a new trace. */
  publicTraceContext?: 'drop';
}): Promise<ServiceHandle> {
  const counted = options.metrics ? httpMetrics(options.metrics) : undefined;
  const server = createServer((req, res) => {
    const [path = '/', query] = (req.url ?? '/').split('?', 2);
    counted?.(path, res);
    const respond = async () => {
      if (req.method === 'GET' && path === '/healthz') return sendJson(res, 200, { status: 'ok', service: options.name });
      if (req.method === 'GET' && path === '/readyz') {
        const readiness = await options.readiness(req);
        return sendJson(res, readiness.ready ? 200 : 503, {
          status: readiness.ready ? 'ready' : 'unavailable',
          service: options.name,
          ...readiness,
        });
      }
      if (path === '/graphql') return options.graphql(req, res, query ? `?${query}` : '');
      return sendJson(res, 404, { error: 'not found' });
    };
    respond().catch((error: unknown) => {
      options.logger.error({ err: loggableError(error), requestId: requestIdOf(res) }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, errorBody('INTERNAL_SERVER_ERROR', 'Internal server error', requestIdOf(res)));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  if (options.publicTraceContext === 'drop') dropClientTraceContext(server);
  const { port, origin } = await listen(server, options.host, options.port);
  noteServicePort(port, options.name);
  return {
    url: `${origin}/graphql`,
    port,
    stop: async () => {
      await closeServer(server);
      forgetServicePort(port);
      await options.onStop();
    },
  };
}
