import { randomBytes } from 'node:crypto';
import type { SubgraphName } from '../../platform/config';
import type { StartOptions, SubgraphHandle } from '../../subgraphs/runtime/start-subgraph';
import { DEFAULT_CLOCK_TOLERANCE_MS, type DatabaseConfig, type SubgraphConfig } from '../../subgraphs/runtime/config';
import { practicesDatabase, startPracticesSubgraph } from '../../subgraphs/practices/server';
import { recordsDatabase, startRecordsSubgraph } from '../../subgraphs/records/server';
import { rolloutDatabase, startRolloutSubgraph } from '../../subgraphs/rollout/server';

/** Each subgraph's start function and its migrations, by name, for tests that start instances one by one. */
export const SUBGRAPHS = {
  practices: { start: startPracticesSubgraph, schema: practicesDatabase },
  rollout: { start: startRolloutSubgraph, schema: rolloutDatabase },
  records: { start: startRecordsSubgraph, schema: recordsDatabase },
} satisfies Record<SubgraphName, unknown>;

/** A subgraph's configuration on a free port and the given database, as the supergraph helper builds it. */
export function subgraphConfig(
  name: SubgraphName,
  database: DatabaseConfig,
  extra: Partial<SubgraphConfig> = {},
): SubgraphConfig {
  return {
    name,
    host: '127.0.0.1',
    port: 0,
    database,
    signingSecret: randomBytes(32).toString('base64url'),
    logLevel: 'silent',
    demoData: false,
    practicesUrl: 'http://127.0.0.1:1/graphql',
    minimumNoticeDays: 7,
    appRateLimit: { perSecond: 10, burst: 20 },
    clockToleranceMs: DEFAULT_CLOCK_TOLERANCE_MS,
    ...extra,
  };
}

export function startSubgraphNamed(
  name: SubgraphName,
  config: SubgraphConfig,
  options: StartOptions = {},
): Promise<SubgraphHandle> {
  return SUBGRAPHS[name].start(config, options);
}
