process.env.APOLLO_TELEMETRY_DISABLED = '1';
// First: when traces are configured, the SDK must hook `require` before http is loaded.
import '../platform/tracing/register';
import cluster from 'node:cluster';
import { loadGatewayConfig, loadGatewayWorkers } from './config';
import { runGatewayPrimary, runGatewayWorker } from './cluster';
import { loadOrCreateDevKeys } from './dev-keys';
import { startGateway } from './server';
import { createLogger } from '../platform/logger';
import { runUntilSignalled } from '../platform/main-loop';

// `npm run start:gateway`: the gateway alone, configured only by environment variables;
// with GATEWAY_WORKERS > 1, as that many processes sharing its port (cluster.ts).
if (cluster.isWorker) {
  runGatewayWorker(async () => {
    const config = loadGatewayConfig();
    return startGateway(config, {
      // Each worker's log lines say which process wrote them.
      logger: createLogger('gateway', config.logLevel).child({ pid: process.pid }),
      // The primary serves every worker's figures on the metrics port (cluster-metrics.ts).
      serveMetrics: false,
    });
  });
} else {
  let workers = 1;
  try {
    workers = loadGatewayWorkers();
  } catch (error) {
    console.error(`gateway failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  if (workers > 1) {
    // Read (and on first start create) the configuration and the development keys once, here,
    // so the workers find them made and never race to make them.
    const config = (async () => {
      const loaded = loadGatewayConfig();
      for (const issuer of loaded.jwt.issuers) {
        if (issuer.keys.kind === 'local') await loadOrCreateDevKeys(issuer.keys.keysPath);
      }
      return loaded;
    })();
    config.then(
      (loaded) =>
        runGatewayPrimary(workers, {
          ...(loaded.metrics ? { metrics: loaded.metrics } : {}),
          logger: createLogger('gateway', loaded.logLevel),
        }),
      (error: unknown) => {
        console.error(`gateway failed to start: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  } else {
    runUntilSignalled('gateway', async () => startGateway(loadGatewayConfig()));
  }
}
