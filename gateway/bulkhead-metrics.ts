import { Gauge, type Registry } from 'prom-client';
import type { Bulkheads } from './bulkheads';

/**
 * Each lane of the gateway's shares (bulkheads.ts), as figures read when scraped: operations
 * running in it and waiting for it. Summed over gateway workers (cluster-metrics.ts).
 */
export function bulkheadMetrics(registry: Registry, bulkheads: Bulkheads): void {
  new Gauge({
    name: 'gateway_bulkhead_in_use',
    help: 'Operations running in each lane of the gateway (patients, clinicians, analytics-light, analytics-heavy)',
    labelNames: ['lane'],
    registers: [registry],
    collect() {
      for (const [lane, bulkhead] of bulkheads.lanes()) this.set({ lane }, bulkhead.inUse);
    },
  });
  new Gauge({
    name: 'gateway_bulkhead_queued',
    help: 'Operations waiting for a place in each lane of the gateway',
    labelNames: ['lane'],
    registers: [registry],
    collect() {
      for (const [lane, bulkhead] of bulkheads.lanes()) this.set({ lane }, bulkhead.queued);
    },
  });
}
