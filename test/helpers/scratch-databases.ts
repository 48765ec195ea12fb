import { randomBytes } from 'node:crypto';
import type { SubgraphName } from '../../platform/config';
import { TEST_DATABASE_URL } from './database';
import { withPostgresClient } from './postgres-client';

/**
 * Whole PostgreSQL databases of a test's own, one per subgraph, uniquely named on the server
 * TEST_DATABASE_URL names, as docker-compose gives each subgraph (the other tests share one
 * database, a schema each). `drop()` removes them, ending any connection left.
 */
export interface ScratchDatabases {
  urls: Record<SubgraphName, string>;
  drop(): Promise<void>;
}

const asServer = withPostgresClient;

/** On the server TEST_DATABASE_URL names, unless `serverUrl` names another (the bench's soak). */
export async function createScratchDatabases(label: string, serverUrl = TEST_DATABASE_URL): Promise<ScratchDatabases> {
  if (!serverUrl) throw new Error('TEST_DATABASE_URL is not set');
  const suffix = randomBytes(5).toString('hex');
  const names: SubgraphName[] = ['practices', 'rollout', 'records'];
  const databaseOf = (name: SubgraphName) => `t_${label}_${name}_${suffix}`;
  await asServer(serverUrl, async (client) => {
    for (const name of names) await client.query(`CREATE DATABASE "${databaseOf(name)}"`);
  });
  const urlOf = (name: SubgraphName) => {
    const url = new URL(serverUrl);
    url.pathname = `/${databaseOf(name)}`;
    return url.href;
  };
  return {
    urls: { practices: urlOf('practices'), rollout: urlOf('rollout'), records: urlOf('records') },
    drop: () =>
      asServer(serverUrl, async (client) => {
        for (const name of names) await client.query(`DROP DATABASE IF EXISTS "${databaseOf(name)}" WITH (FORCE)`);
      }),
  };
}
