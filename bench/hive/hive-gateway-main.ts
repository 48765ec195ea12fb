process.env.APOLLO_TELEMETRY_DISABLED = '1';
// First, so that with HIVE_DELEGATE_FIX=1 Hive loads the fixed module (a diagnostic; see the file).
import '../../patches/hive-delegate-fix';
import cluster from 'node:cluster';
import { z } from 'zod';
import { runGatewayPrimary, runGatewayWorker } from '../../gateway/cluster';
import { loadGatewayConfig, loadGatewayWorkers } from '../../gateway/config';
import { loadOrCreateDevKeys } from '../../gateway/dev-keys';
import { parseEnv, port } from '../../platform/config';
import { runUntilSignalled } from '../../platform/main-loop';
import { startHiveGateway } from './hive-gateway';
import { requireSupportedNode } from './supported-node';

/**
 * `node --import tsx bench/hive/hive-gateway-main.ts`: Hive Gateway over our subgraphs, so the
 * benchmark can compare gateways. Configured as our gateway is (PRACTICES_URL, ROLLOUT_URL,
 * RECORDS_URL, DATA_DIR or JWT_*, SUBGRAPH_SIGNING_SECRET, SUPERGRAPH_PATH, HOST, and
 * GATEWAY_WORKERS: as many processes, run by our gateway's own cluster code so that both
 * gateways share a port the same way), plus HIVE_GATEWAY_PORT (0: any free port),
 * HIVE_PLANNER=rust for the Hive Router's Rust query planner, HIVE_MASKED_ERRORS=0 to read an
 * unexpected error's cause and HIVE_DELEGATE_FIX=1 to run with the fix of hive-delegate-fix.ts.
 * Says `… ready at URL` as ours does; stops cleanly on SIGTERM; refuses to start on a Node that
 * Hive Gateway does not support.
 */
requireSupportedNode();
const settings = parseEnv(
  {
    HIVE_GATEWAY_PORT: port(4100),
    HIVE_MASKED_ERRORS: z.enum(['0', '1']).default('1'),
    HIVE_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('warn'),
    HIVE_PLANNER: z.enum(['js', 'rust']).default('js'),
  },
  process.env,
);
const config = () => loadGatewayConfig({ ...process.env, GATEWAY_PORT: String(settings.HIVE_GATEWAY_PORT) });
const serve = () =>
  startHiveGateway(config(), {
    maskedErrors: settings.HIVE_MASKED_ERRORS === '1',
    logLevel: settings.HIVE_LOG_LEVEL === 'silent' ? false : settings.HIVE_LOG_LEVEL,
    planner: settings.HIVE_PLANNER,
  });

if (cluster.isWorker) {
  runGatewayWorker(serve);
} else if (loadGatewayWorkers() > 1) {
  // As ours: the development keys made once, before the workers start.
  const loaded = config();
  const local = loaded.jwt.issuers.flatMap((issuer) => (issuer.keys.kind === 'local' ? [issuer.keys.keysPath] : []));
  void Promise.all(local.map((path) => loadOrCreateDevKeys(path))).then(() => runGatewayPrimary(loadGatewayWorkers()));
} else {
  runUntilSignalled('hive gateway', serve);
}
