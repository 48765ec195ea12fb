process.env.APOLLO_TELEMETRY_DISABLED = '1';
// First: when traces are configured, the SDK must hook `require` before http or pg is loaded.
import { flushTraces } from '../platform/tracing/register';
import { join } from 'node:path';
import { loadGatewayConfig } from '../gateway/config';
import { startIdentityProvider } from '../identity-provider/server';
import { dataDir, parseEnv, port } from '../platform/config';
import { startGateway } from '../gateway/server';
import { loadSubgraphConfig } from '../subgraphs/runtime/config';
import { DEMO_PATIENTS } from '../subgraphs/demo-world/patients';
import { DEMO_PAUSE_RESUME } from '../subgraphs/demo-world/rollout-histories';
import type { ServiceHandle } from '../platform/http';
import { startPracticesSubgraph } from '../subgraphs/practices/server';
import { startRecordsSubgraph } from '../subgraphs/records/server';
import { startRolloutSubgraph } from '../subgraphs/rollout/server';

/**
 * `npm start`: all four services in one process, each on its own port with its own SQLite
 * database under data/, migrated and loaded with demo data on first start; before them the
 * local identity provider (IDENTITY_PROVIDER_PORT, default 4005), whose discovery documents
 * the gateway reads its keys from, as it reads the real issuers' in production. Ctrl-C stops
 * everything cleanly. (`npm run start:<service>` runs one alone, as docker-compose does.)
 */
async function main() {
  const env: NodeJS.ProcessEnv = { ...process.env, DEMO_DATA: process.env.DEMO_DATA ?? '1' };
  const handles: ServiceHandle[] = [];
  const stopAll = async () => {
    for (const handle of handles.reverse()) await handle.stop().catch(() => undefined);
    await flushTraces();
  };
  // Listen for Ctrl-C before anything starts: a signal that arrives while the services start
  // (or just after the banner, before tsx has heard that we listen) still stops them cleanly.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received: stopping all services`);
    void stopAll().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  try {
    const { IDENTITY_PROVIDER_PORT } = parseEnv({ IDENTITY_PROVIDER_PORT: port(4005) }, env);
    const identityProvider = await startIdentityProvider({
      host: '127.0.0.1',
      port: IDENTITY_PROVIDER_PORT,
      keysPath: join(dataDir(env), 'dev-jwt-keys.json'),
    });
    handles.push(identityProvider);
    env.IDENTITY_PROVIDER_URL = identityProvider.url;
    // Each subgraph where it listens (its *_PORT), unless its URL is given: rollout and the gateway find it there.
    // One process: Node's process figures once, on the gateway's metrics port, not four times.
    const subgraphConfig = (name: 'practices' | 'rollout' | 'records') => {
      const config = loadSubgraphConfig(name, env);
      return { ...config, ...(config.metrics && { metrics: { ...config.metrics, processMetrics: false } }) };
    };
    const practices = await startPracticesSubgraph(subgraphConfig('practices'));
    handles.push(practices);
    env.PRACTICES_URL ??= practices.url;
    const rollout = await startRolloutSubgraph(subgraphConfig('rollout'));
    handles.push(rollout);
    env.ROLLOUT_URL ??= rollout.url;
    const records = await startRecordsSubgraph(subgraphConfig('records'));
    handles.push(records);
    env.RECORDS_URL ??= records.url;
    const gateway = await startGateway(loadGatewayConfig(env));
    handles.push(gateway);
    const patient = DEMO_PATIENTS[0]!;
    console.log(`
Citizen Access Supergraph is running.

  Gateway (Apollo Sandbox in a browser):  ${gateway.url.replace('127.0.0.1', 'localhost')}
  Subgraphs: practices ${practices.url}, rollout ${rollout.url}, records ${records.url}
  (they accept signed gateway requests only)
  Metrics (Prometheus): gateway ${gateway.metricsUrl}, practices ${practices.metricsUrl}, rollout ${rollout.metricsUrl}, records ${records.metricsUrl}
  Identity provider (NHS login, CIS2, staff; development only): ${identityProvider.url}

Get a token (signed with the identity provider's keys under data/), then send it as "Authorization: Bearer <token>":
  npm run --silent token -- --role patient --nhs-number ${patient.nhsNumber}
  npm run --silent token -- --role clinician --ods-code ${DEMO_PAUSE_RESUME.odsCode}
  npm run --silent token -- --role supplier --supplier EMIS
  npm run --silent token -- --role analyst

Example:
  TOKEN=$(npm run --silent token -- --role patient --nhs-number ${patient.nhsNumber})
  curl -s ${gateway.url} -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '{"query":"{ me { onlineAccess { state visibleFrom } record(first: 5) { totalCount edges { node { type title availableAt } } } } }"}'

Press Ctrl-C to stop.`);
  } catch (error) {
    console.error(`Failed to start: ${error instanceof Error ? error.message : String(error)}`);
    await stopAll();
    process.exit(1);
  }
}

void main();
