import { join } from 'node:path';
import { serviceNodeFlags, spawnService, type OurServices, type ServiceProcess } from '../test/helpers/service-process';

/** The gateways the benchmark runs: ours, and the independent one it is compared with. */
export type GatewayName = 'ours' | OtherGateway;
/** Hive Gateway with its own JavaScript planner, and with the Hive Router's Rust planner. */
export const OTHER_GATEWAYS = ['hive', 'hive-rust'] as const;
export type OtherGateway = (typeof OTHER_GATEWAYS)[number];

/** How the results name each. */
export const PEER_LABELS: Record<OtherGateway, string> = {
  hive: 'Hive Gateway',
  'hive-rust': 'Hive Gateway with the Rust planner',
};

export function isOtherGateway(name: string): name is OtherGateway {
  return (OTHER_GATEWAYS as readonly string[]).includes(name);
}

/**
 * Hive Gateway (hive/hive-gateway-main.ts) over the same subgraph processes as our gateway, with
 * the same identity provider and signing secret and as many processes, on a free port.
 */
export function startOtherGateway(
  name: OtherGateway,
  ours: OurServices,
  workers: number,
  nodeArgs: string[] = [],
): Promise<ServiceProcess> {
  return spawnService({
    name,
    entry: join('bench', 'hive', 'hive-gateway-main.ts'),
    // Node's flags as our gateway runs with (package.json's start:gateway): the same runtime settings.
    nodeArgs: [...serviceNodeFlags('gateway'), ...nodeArgs],
    env: {
      DATA_DIR: join(ours.keysPath, '..'),
      SUBGRAPH_SIGNING_SECRET: ours.signingSecret,
      PRACTICES_URL: ours.urls.practices,
      ROLLOUT_URL: ours.urls.rollout,
      RECORDS_URL: ours.urls.records,
      IDENTITY_PROVIDER_URL: ours.identityProvider.url,
      HIVE_GATEWAY_PORT: '0',
      GATEWAY_WORKERS: String(workers),
      APOLLO_TELEMETRY_DISABLED: '1',
      HIVE_PLANNER: name === 'hive-rust' ? 'rust' : 'js',
    },
  });
}
