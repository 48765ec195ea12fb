import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import type { Clock } from '../platform/clock';
import { signedHeaders, targetOf, VIEWER_HEADER } from '../platform/request-signature';
import { CircuitBreaker, type BreakerPolicy } from './circuit-breaker';
import { ResponseTooLarge, type ConnectionPool } from './connection-pool';
import { RetryBudget } from './retry-budget';
import type { SubgraphCallMetrics } from './subgraph-call-metrics';

/** How the gateway calls one subgraph when things go wrong. */
export interface CallPolicy {
  /** Each call's timeout. */
  timeoutMs: number;
  /** Retries of a query after no answer, a timeout or a 502/503/504 (never of a mutation). */
  retries: number;
  breaker: BreakerPolicy;
}

export const DEFAULT_CALL_POLICY: Omit<CallPolicy, 'timeoutMs'> = {
  retries: 1,
  breaker: { failureThreshold: 5, openMs: 10_000 },
};

/**
 * Which share (bulkheads.ts) a call is for, set by SubgraphDataSource and never sent: each
 * share has its own breaker and retry budget, so analysts' calls timing out on a saturated
 * subgraph cannot open the circuit for patients' calls to it.
 */
export const SHARE_HEADER = 'x-gateway-share';

/**
 * The subgraph cannot be called now (its circuit is open); the gateway masks this like any
 * failure. `reopensInMs`: how long the circuit stays open, the client's Retry-After (retry-after.ts).
 */
export class SubgraphUnavailable extends Error {
  constructor(
    message: string,
    readonly reopensInMs = 0,
  ) {
    super(message);
  }
}

const RETRYABLE_STATUS = new Set([502, 503, 504]);

/**
 * A mutation is never sent twice: only the gateway's queries (entity fetches included) may be
 * retried. RemoteGraphQLDataSource writes `query` first, and the planner prints an operation
 * as `query…` or `{…}`, so the first bytes tell, without parsing the whole body (representations
 * and all) on every call. Anything else, a mutation or any shape not recognised, is not retried.
 */
const QUERY_BODY = /^\{"query":"(?:query\b|\{)/;
export const isQuery = (body: string): boolean => QUERY_BODY.test(body);

/**
 * Signs every request the gateway sends to a subgraph over the exact bytes it sends (the body,
 * the forwarded identity set by SubgraphDataSource, a timestamp), bounds each call with a
 * timeout, retries a failed query once within a retry budget, and fails fast while the
 * subgraph's circuit is open. A retry resends the whole request and its answer replaces the
 * failed one: a response is always one subgraph answer, never pieces of two, so no field the
 * rules depend on can come from a mix of states.
 */
export function signedFetcher(
  subgraph: string,
  secret: string,
  clock: Clock,
  policy: CallPolicy,
  pool: ConnectionPool,
  metrics?: SubgraphCallMetrics,
): Fetcher {
  const shares = new Map<string, { breaker: CircuitBreaker; budget: RetryBudget }>();
  const shareOf = (name: string) => {
    let share = shares.get(name);
    if (!share) {
      share = { breaker: new CircuitBreaker(policy.breaker, () => clock.now().getTime()), budget: new RetryBudget() };
      shares.set(name, share);
      metrics?.watch(subgraph, name, share.breaker, share.budget);
    }
    return share;
  };
  const send = (url: string, given: Record<string, string>, method: string, body: string) => {
    // Signed for this subgraph and path, with a fresh nonce each attempt: a retry is a new request, not a replay.
    const target = targetOf(subgraph, url);
    const headers = {
      ...given,
      ...signedHeaders(secret, { ...target, viewer: given[VIEWER_HEADER] ?? '', body, at: clock.now() }),
    };
    return pool.fetch(url, { method, headers, body }, policy.timeoutMs);
  };
  return async (url: string, init?: FetcherRequestInit): Promise<FetcherResponse> => {
    const body = typeof init?.body === 'string' ? init.body : '';
    const { [SHARE_HEADER]: shareName, ...given }: Record<string, string> = { ...init?.headers };
    const { breaker, budget } = shareOf(shareName ?? 'none');
    const retryable = isQuery(body);
    budget.deposit();
    for (let attempt = 0; ; attempt += 1) {
      if (!breaker.permit()) {
        metrics?.circuitOpen(subgraph);
        throw new SubgraphUnavailable('The subgraph is unavailable (circuit open)', breaker.reopensInMs);
      }
      const mayRetry = () => {
        if (!retryable || attempt >= policy.retries) return false;
        const granted = budget.withdraw();
        if (granted) metrics?.retried(subgraph);
        else metrics?.retryRefused(subgraph);
        return granted;
      };
      const ended = metrics?.attempt(subgraph);
      let response: FetcherResponse;
      try {
        response = await send(url, given, init?.method ?? 'POST', body);
      } catch (error) {
        // The subgraph answered, only more than any answer may hold: the request's fault, not its health.
        if (error instanceof ResponseTooLarge) {
          ended?.('too_large');
          throw error;
        }
        ended?.('no_answer');
        breaker.failed();
        if (mayRetry()) continue;
        throw error;
      }
      if (response.status >= 500) {
        ended?.('http_5xx');
        breaker.failed();
        if (RETRYABLE_STATUS.has(response.status) && mayRetry()) continue;
        return response;
      }
      ended?.();
      breaker.succeeded();
      return response;
    }
  };
}
