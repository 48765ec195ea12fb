import autocannon from 'autocannon';
import { signedHeaders, type SignatureTarget } from '../platform/request-signature';
import { encodeViewer, type Viewer } from '../platform/viewer';

/**
 * A thin, typed wrapper around autocannon for one GraphQL operation: a warm-up run whose
 * figures are thrown away, then the measured run. Answers are checked on a sample (every
 * `sampleEvery`-th response of each run), so a gateway that answers fast but wrongly cannot win;
 * latencies are recorded exactly (autocannon's own histogram rounds to whole milliseconds).
 */
export interface LoadOptions {
  /** The GraphQL endpoint (POST). */
  url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  query: string;
  variables?: Record<string, unknown>;
  connections: number;
  durationSeconds: number;
  /** A run of this length first, its figures discarded (0: none). */
  warmupSeconds: number;
  /** Whether an answer (the parsed JSON body of a 2xx response) is right; a body that is not JSON is wrong. */
  check?: (body: unknown) => boolean;
  /** Check one response in this many (default 10; 1 checks every one). */
  sampleEvery?: number;
  /** More headers, the same on every request. */
  headers?: Record<string, string>;
  /** Headers made afresh for each request from its exact body (a subgraph signature: see `subgraphSigner`). */
  headersFor?: (body: string) => Record<string, string>;
  /**
   * Each request's body (and more headers), made afresh for every request: many patients in
   * turn, a signature per request. Replaces the body made of `query` and `variables`; `headersFor`
   * still applies to it.
   */
  requestFor?: () => { body: string; headers?: Record<string, string> };
  /** A request without an answer after this long counts as a timeout (default 10 s). */
  timeoutSeconds?: number;
}

export interface LoadResult {
  /** Responses received in the measured run (any status). */
  requests: number;
  durationSeconds: number;
  reqPerSec: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** non2xx + socketErrors (timeouts included). */
  errors: number;
  non2xx: number;
  /** Connection errors, timeouts included. */
  socketErrors: number;
  timeouts: number;
  /** Answers checked (2xx, sampled) and how many of those were wrong. */
  checked: number;
  wrong: number;
  /** The first wrong answer seen (its first 500 characters), to say what went wrong. */
  firstWrong?: string;
  /** Response counts by status code. */
  statusCodes: Record<string, number>;
}

const percentileOf = (sorted: Float64Array, p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function run(options: LoadOptions, seconds: number): Promise<LoadResult> {
  const body = JSON.stringify({ query: options.query, ...(options.variables ? { variables: options.variables } : {}) });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...options.headers,
  };
  const sampleEvery = Math.max(1, options.sampleEvery ?? 10);
  let seen = 0;
  let checked = 0;
  let wrong = 0;
  let firstWrong: string | undefined;
  const latencies: number[] = [];
  const url = new URL(options.url);
  const { headersFor, requestFor } = options;

  let finish: (error: Error | null, result: autocannon.Result) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = (error, result) => (error ? reject(error) : resolve(result));
  });
  const instance = autocannon(
    {
      url: url.origin,
      connections: options.connections,
      duration: seconds,
      timeout: options.timeoutSeconds ?? 10,
      requests: [
        {
          method: 'POST',
          path: `${url.pathname}${url.search}`,
          headers,
          body,
          ...(headersFor || requestFor
            ? {
                setupRequest: (request) => {
                  const next = requestFor ? requestFor() : { body };
                  return {
                    ...request,
                    body: next.body,
                    headers: { ...request.headers, ...next.headers, ...headersFor?.(next.body) },
                  };
                },
              }
            : {}),
          onResponse: (status, text) => {
            if (!options.check || status < 200 || status >= 300) return;
            seen += 1;
            if (seen % sampleEvery !== 0) return;
            checked += 1;
            let ok: boolean;
            try {
              ok = options.check(JSON.parse(text));
            } catch {
              ok = false;
            }
            if (!ok) {
              wrong += 1;
              firstWrong ??= text.slice(0, 500);
            }
          },
        },
      ],
    },
    (error: Error | null, result: autocannon.Result) => finish(error, result),
  );
  instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const result = await done;
  const sorted = Float64Array.from(latencies).sort();
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number(count ?? 0);
  const requests = latencies.length;
  return {
    requests,
    durationSeconds: result.duration,
    reqPerSec: requests / result.duration,
    p50Ms: percentileOf(sorted, 50),
    p90Ms: percentileOf(sorted, 90),
    p99Ms: percentileOf(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1]! : NaN,
    errors: result.non2xx + result.errors,
    non2xx: result.non2xx,
    socketErrors: result.errors,
    timeouts: result.timeouts,
    checked,
    wrong,
    ...(firstWrong !== undefined ? { firstWrong } : {}),
    statusCodes,
  };
}

/** Warm-up (discarded), then the measured run. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.warmupSeconds > 0) await run(options, options.warmupSeconds);
  return run(options, options.durationSeconds);
}

/**
 * Headers that make a request to a subgraph look like the gateway's: the viewer and a
 * signature over a fresh timestamp and the exact body (a signature holds only as long as the
 * subgraphs' skew limit, so each request is signed as it is sent). For `LoadOptions.headersFor`.
 */
export function subgraphSigner(
  secret: string,
  viewer: Viewer,
  target: SignatureTarget,
): (body: string) => Record<string, string> {
  const encoded = encodeViewer(viewer);
  return (body) => signedHeaders(secret, { ...target, viewer: encoded, body, at: Date.now() });
}

/** One line for a log: req/s, p50/p99, errors and wrong answers. */
export function describeLoad(result: LoadResult): string {
  return (
    `${result.reqPerSec.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, ` +
    `${result.requests} requests, ${result.errors} errors, ${result.wrong}/${result.checked} wrong`
  );
}
