import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Logger } from '../platform/logger';
import { serveMetrics, type MetricsConfig, type MetricsHandle } from '../platform/metrics-server';

/**
 * GATEWAY_WORKERS > 1 (cluster.ts): one scrape must see the whole gateway, not whichever worker
 * node:cluster handed the connection to. So the workers serve no metrics port; each hands its
 * registry to prom-client's cluster support, and the primary serves all of theirs, combined
 * (counters and histograms summed; each gauge as its own `aggregator` says).
 */
export function shareWorkerMetrics(registry: Registry): void {
  // Constructing one is what makes a worker answer the primary's requests for its figures.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
}

export function serveClusterMetrics(where: MetricsConfig, logger: Logger): Promise<MetricsHandle> {
  const aggregator = new AggregatorRegistry();
  return serveMetrics({ contentType: aggregator.contentType, metrics: () => aggregator.clusterMetrics() }, where, logger);
}
