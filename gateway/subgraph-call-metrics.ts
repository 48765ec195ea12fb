import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DURATION_BUCKETS } from '../platform/operation-metrics';
import type { BreakerState, CircuitBreaker } from './circuit-breaker';
import type { RetryBudget } from './retry-budget';

/** Why a call to a subgraph failed: no answer (refused, cut, timed out), a 5xx, its circuit open, an answer too large. */
export type CallFailure = 'no_answer' | 'http_5xx' | 'circuit_open' | 'too_large';

const STATES: readonly BreakerState[] = ['closed', 'half-open', 'open'];
const WORSE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * The gateway's calls to its subgraphs, as figures, labelled by subgraph (the supergraph's three
 * names) and share (bulkheads.ts): each attempt, its time and why it failed; retries made and
 * refused by the budget; and, read when scraped, each circuit breaker's state and each retry
 * budget's balance (signed-fetcher.ts registers them with `watch`).
 */
export function subgraphCallMetrics(registry: Registry) {
  const calls = new Counter({
    name: 'gateway_subgraph_requests_total',
    help: 'HTTP requests the gateway sent to a subgraph (each retry counts), by subgraph',
    labelNames: ['subgraph'],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'gateway_subgraph_errors_total',
    help: 'Subgraph calls that failed, by subgraph and reason (no_answer, http_5xx, circuit_open, too_large)',
    labelNames: ['subgraph', 'reason'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'gateway_subgraph_request_duration_seconds',
    help: 'Time from a subgraph request sent to its answer (or failure), by subgraph',
    labelNames: ['subgraph'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const retries = new Counter({
    name: 'gateway_subgraph_retries_total',
    help: 'Queries sent to a subgraph once more after a failure, by subgraph',
    labelNames: ['subgraph'],
    registers: [registry],
  });
  const refused = new Counter({
    name: 'gateway_subgraph_retries_refused_total',
    help: 'Retries not sent because the retry budget was spent, by subgraph',
    labelNames: ['subgraph'],
    registers: [registry],
  });
  const watched: { subgraph: string; share: string; breaker: CircuitBreaker; budget: RetryBudget }[] = [];
  new Gauge({
    name: 'gateway_circuit_breaker_state',
    help: "Each subgraph circuit breaker's state: 1 for the state it is in (closed, half-open, open), by subgraph and share; with several gateway workers, how many are in it",
    labelNames: ['subgraph', 'share', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      // Two fetchers of one subgraph and share (the trusted-operation lookup's and the planner's): the worse state stands.
      const states = new Map<string, { subgraph: string; share: string; state: BreakerState }>();
      for (const { subgraph, share, breaker } of watched) {
        const key = `${subgraph}/${share}`;
        const known = states.get(key);
        if (!known || WORSE[breaker.state] > WORSE[known.state]) states.set(key, { subgraph, share, state: breaker.state });
      }
      for (const { subgraph, share, state } of states.values()) {
        for (const each of STATES) this.set({ subgraph, share, state: each }, each === state ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'gateway_retry_budget_available',
    help: 'Whole retries each retry budget holds now, by subgraph and share (0: no retry will be sent)',
    labelNames: ['subgraph', 'share'],
    registers: [registry],
    collect() {
      this.reset();
      const least = new Map<string, { subgraph: string; share: string; available: number }>();
      for (const { subgraph, share, budget } of watched) {
        const key = `${subgraph}/${share}`;
        const known = least.get(key);
        if (!known || budget.available < known.available) least.set(key, { subgraph, share, available: budget.available });
      }
      for (const { subgraph, share, available } of least.values()) this.set({ subgraph, share }, available);
    },
  });
  return {
    /** One attempt going out: call the result when it ends, with the failure if it failed. */
    attempt(subgraph: string): (failure?: CallFailure) => void {
      calls.inc({ subgraph });
      const stop = duration.startTimer({ subgraph });
      return (failure) => {
        stop();
        if (failure) failures.inc({ subgraph, reason: failure });
      };
    },
    circuitOpen: (subgraph: string) => failures.inc({ subgraph, reason: 'circuit_open' }),
    retried: (subgraph: string) => retries.inc({ subgraph }),
    retryRefused: (subgraph: string) => refused.inc({ subgraph }),
    watch(subgraph: string, share: string, breaker: CircuitBreaker, budget: RetryBudget): void {
      watched.push({ subgraph, share, breaker, budget });
    },
  };
}

export type SubgraphCallMetrics = ReturnType<typeof subgraphCallMetrics>;
