import { Gauge, type Registry } from 'prom-client';
import type { ReadinessMonitor } from './readiness';

/**
 * What the gateway's background readiness probe learns of each subgraph, as figures: whether it
 * is ready, and the clock skew it measured against this gateway (absent until one is measured).
 * `skew` is handed to readinessMonitor; `watch` once the monitor exists.
 */
export function readinessMetrics(registry: Registry) {
  const skews = new Map<string, number | null>();
  let monitor: ReadinessMonitor | undefined;
  new Gauge({
    name: 'gateway_subgraph_clock_skew_seconds',
    help: "Each subgraph's clock minus the gateway's, as the subgraph last measured it on the gateway's signed probe",
    labelNames: ['subgraph'],
    registers: [registry],
    // Several gateway workers (cluster-metrics.ts): their measurements averaged, not summed.
    aggregator: 'average',
    collect() {
      this.reset();
      for (const [subgraph, skewMs] of skews) if (skewMs !== null) this.set({ subgraph }, skewMs / 1000);
    },
  });
  new Gauge({
    name: 'gateway_subgraph_ready',
    help: "Whether each subgraph answered its /readyz (database and clock) at the gateway's last probe: 1 ready, 0 not",
    labelNames: ['subgraph'],
    registers: [registry],
    // Several gateway workers: ready only if every one saw it ready.
    aggregator: 'min',
    async collect() {
      this.reset();
      if (!monitor) return;
      const { subgraphs } = await monitor.current();
      for (const [subgraph, ready] of Object.entries(subgraphs)) this.set({ subgraph }, ready ? 1 : 0);
    },
  });
  return {
    skew: (subgraph: string, skewMs: number | null) => void skews.set(subgraph, skewMs),
    watch: (readiness: ReadinessMonitor) => void (monitor = readiness),
  };
}
