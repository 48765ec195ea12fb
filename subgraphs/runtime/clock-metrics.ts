import { Counter, Gauge, type Registry } from 'prom-client';
import type { ClockGuard } from './clock-guard';

/**
 * The subgraph's clock against the gateway's, as figures: the last skew measured (this clock
 * minus the gateway's signed timestamp, time in flight included; absent before the first
 * measurement), the limit beyond which it refuses requests, and how many it has refused.
 */
export function clockMetrics(registry: Registry, guard: Pick<ClockGuard, 'status'>) {
  new Gauge({
    name: 'subgraph_clock_skew_seconds',
    help: "Last measured skew of this service's clock against the gateway's (positive: ahead)",
    registers: [registry],
    collect() {
      this.reset();
      const { skewMs } = guard.status();
      if (skewMs !== null) this.set(skewMs / 1000);
    },
  });
  new Gauge({
    name: 'subgraph_clock_skew_limit_seconds',
    help: 'The skew beyond which this service refuses requests (MAX_CLOCK_SKEW_MS)',
    registers: [registry],
    collect() {
      this.set(guard.status().limitMs / 1000);
    },
  });
  const refusals = new Counter({
    name: 'subgraph_clock_skew_refusals_total',
    help: 'Signed requests refused (503) because their timestamp was too far from this clock',
    registers: [registry],
  });
  return { refused: () => refusals.inc() };
}
