import { join } from 'node:path';
import { spawnService, type OurServices, type ServiceProcess } from '../test/helpers/service-process';

/** The gateways the benchmark runs: ours, and the independent one it is compared with. */
export type GatewayName = 'ours' | 'hive';
export const OTHER_GATEWAYS = ['hive'] as const;

/**
 * Hive Gateway (hive/hive-gateway-main.ts) over the same subgraph processes as our gateway, with
 * the same identity provider and signing secret and as many processes, on a free port.
 */
export function startOtherGateway(
  name: (typeof OTHER_GATEWAYS)[number],
  ours: OurServices,
  workers: number,
): Promise<ServiceProcess> {
  return spawnService({
    name,
    entry: join('bench', 'hive', 'hive-gateway-main.ts'),
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
    },
  });
}
