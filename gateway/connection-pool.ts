import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import type { FetcherHeaders, FetcherResponse } from '@apollo/utils.fetcher';

/**
 * How the gateway reaches its subgraphs: plain HTTP/1.1 over kept-alive connections (Node's
 * http.Agent, most recently used first, so a few warm connections carry the load), each call
 * bounded by a deadline that covers the wait for a connection, the request and the whole answer.
 *
 * Why not the global `fetch`: in Node 20 it wraps every request and answer in web streams, an
 * AbortSignal and a DOMException, and was the largest single cost of a gateway request
 * (bench/results/gateway-profile.md). The answer is read whole before it is handed back; the
 * subgraphs answer JSON without compression (nothing asks them for any).
 */
export interface ConnectionPool {
  /** One call; rejects on a connection error, or with CallTimeout once `timeoutMs` has passed. */
  fetch(
    url: string,
    init: { method: string; headers: Record<string, string>; body: string },
    timeoutMs: number,
  ): Promise<FetcherResponse>;
  /** Closes every connection (the gateway's stop). */
  close(): void;
}

/** The answer grew past the pool's bound while it was read: the call was cut there. */
export class ResponseTooLarge extends Error {
  constructor(limitBytes: number) {
    super(`The subgraph's answer is larger than ${limitBytes} bytes`);
    this.name = 'ResponseTooLarge';
  }
}

/** The call was cut at its deadline. */
export class CallTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`The subgraph did not answer within ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

/** The connection closed (or was cut) before the whole answer arrived. */
export class AnswerCut extends Error {
  constructor() {
    super('The connection closed before the answer was complete');
    this.name = 'AnswerCut';
  }
}

class Headers implements FetcherHeaders {
  private readonly map: Map<string, string>;

  constructor(source: IncomingHttpHeaders | Map<string, string>) {
    if (source instanceof Map) {
      this.map = new Map(source);
      return;
    }
    this.map = new Map();
    for (const [name, value] of Object.entries(source)) {
      if (value !== undefined) this.map.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
  }

  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const current = this.map.get(key);
    this.map.set(key, current === undefined ? value : `${current}, ${value}`);
  }
  delete(name: string): void {
    this.map.delete(name.toLowerCase());
  }
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  set(name: string, value: string): void {
    this.map.set(name.toLowerCase(), value);
  }
  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  keys(): IterableIterator<string> {
    return this.map.keys();
  }
  values(): IterableIterator<string> {
    return this.map.values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}

/** An answer already read whole: what RemoteGraphQLDataSource and our data source read of it. */
class BufferedResponse implements FetcherResponse {
  bodyUsed = false;
  readonly redirected = false;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    readonly headers: FetcherHeaders,
    private readonly body: string,
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  private consume(): string {
    if (this.bodyUsed) throw new TypeError('Body is unusable: body has already been read');
    this.bodyUsed = true;
    return this.body;
  }

  async text(): Promise<string> {
    return this.consume();
  }
  async json(): Promise<unknown> {
    return JSON.parse(this.consume()) as unknown;
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = Buffer.from(this.consume(), 'utf8');
    return new Uint8Array(bytes).buffer;
  }
  clone(): FetcherResponse {
    if (this.bodyUsed) throw new TypeError('Response.clone: body has already been read');
    return new BufferedResponse(this.url, this.status, this.statusText, new Headers(new Map(this.headers)), this.body);
  }
}

export function createConnectionPool(
  options: { maxSocketsPerSubgraph?: number; maxResponseBytes?: number } = {},
): ConnectionPool {
  const maxResponseBytes = options.maxResponseBytes ?? Infinity;
  const agent = new Agent({
    keepAlive: true,
    scheduling: 'lifo',
    // An idle connection is closed after 30 s, well before a subgraph's own 65 s (http.ts), so the
    // gateway never sends on a connection the subgraph is closing. (A call's own deadline is the timer below.)
    timeout: 30_000,
    maxSockets: options.maxSocketsPerSubgraph ?? 256,
    maxFreeSockets: options.maxSocketsPerSubgraph ?? 256,
  });
  // The gateway calls three URLs, again and again: each is parsed once.
  const targets = new Map<string, { protocol: string; hostname: string; port: string; path: string }>();
  const targetOf = (url: string) => {
    let target = targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:') throw new Error(`Subgraph URLs are http: (${parsed.protocol} given)`);
      target = {
        protocol: parsed.protocol,
        hostname: parsed.hostname,
        port: parsed.port,
        path: `${parsed.pathname}${parsed.search}`,
      };
      if (targets.size < 100) targets.set(url, target);
    }
    return target;
  };
  return {
    fetch: (url, init, timeoutMs) =>
      new Promise<FetcherResponse>((resolve, reject) => {
        const headers: Record<string, string | number> = { ...init.headers, 'content-length': Buffer.byteLength(init.body) };
        const call = request({ agent, ...targetOf(url), method: init.method, headers });
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          call.destroy(new CallTimeout(timeoutMs));
        }, timeoutMs);
        const fail = (error: Error) => {
          clearTimeout(timer);
          reject(timedOut ? new CallTimeout(timeoutMs) : error);
        };
        call.on('error', fail);
        call.on('response', (response) => {
          const chunks: Buffer[] = [];
          let bytes = 0;
          let ended = false;
          response.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            // Cut while reading: an answer over the bound is never held whole.
            if (bytes > maxResponseBytes) {
              clearTimeout(timer);
              ended = true;
              reject(new ResponseTooLarge(maxResponseBytes));
              call.destroy();
              return;
            }
            chunks.push(chunk);
          });
          response.on('error', fail);
          response.on('end', () => {
            ended = true;
            clearTimeout(timer);
            const status = response.statusCode ?? 0;
            const body = Buffer.concat(chunks, bytes).toString('utf8');
            resolve(new BufferedResponse(url, status, response.statusMessage ?? '', new Headers(response.headers), body));
          });
          // The connection cut (or the deadline passed) in the middle of the answer.
          response.on('close', () => {
            if (!ended) fail(new AnswerCut());
          });
        });
        call.end(init.body);
      }),
    close: () => agent.destroy(),
  };
}
