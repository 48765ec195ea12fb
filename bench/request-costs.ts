import type { TokenRequest } from '../gateway/token-claims';
import type { SubgraphName } from '../platform/config';
import type { DatabaseConfig } from '../subgraphs/runtime/config';
import { countRoundTrips } from './round-trips';
import { startSupergraph } from '../test/helpers/supergraph';

export interface CostedOperation {
  name: string;
  /** Who asks. */
  as: TokenRequest;
  query: string;
  variables?: Record<string, unknown>;
}

export interface RequestCost {
  name: string;
  /** HTTP requests the gateway sent to each subgraph for one operation. */
  fetches: Record<SubgraphName, number>;
  /** SQL statements each subgraph ran for one operation (the access log's write included), counted by TypeORM's logger. */
  statements: Record<SubgraphName, number>;
  /** On PostgreSQL, round trips each subgraph made to its database, counted at the pg driver (round-trips.ts). */
  roundTrips?: Record<SubgraphName, number>;
  /** Whether the answer had no error. */
  ok: boolean;
}

const SUBGRAPHS: SubgraphName[] = ['practices', 'rollout', 'records'];

/**
 * What one request of each operation costs: subgraph fetches and SQL statements per subgraph.
 * Counts, not timings, so they are measured in-process (the supergraph as the tests start it,
 * on the data set's own files) and do not depend on the machine. Each operation is sent once to
 * warm the caches, then `times` more; the figure is the mean.
 */
export async function measureRequestCosts(
  databases: Record<SubgraphName, DatabaseConfig>,
  now: string,
  operations: CostedOperation[],
  times = 5,
): Promise<RequestCost[]> {
  const supergraph = await startSupergraph({ now, databases });
  const onPostgres = Object.values(databases).every((config) => config.kind === 'postgres');
  const databaseOf = (name: SubgraphName) => {
    const config = databases[name];
    return config.kind === 'postgres' ? decodeURIComponent(new URL(config.url).pathname.slice(1)) : '';
  };
  const roundTrips = onPostgres ? countRoundTrips() : undefined;
  try {
    const costs: RequestCost[] = [];
    for (const operation of operations) {
      const token = await supergraph.token(operation.as);
      const send = () => supergraph.graphql(token, operation.query, operation.variables);
      await send();
      const fetchesBefore = supergraph.subgraphRequests();
      const statementsBefore = SUBGRAPHS.map((name) => supergraph.subgraphs[name].database.statements.count);
      const tripsBefore = roundTrips?.byDatabase();
      let ok = true;
      for (let k = 0; k < times; k += 1) {
        const response = await send();
        ok &&= response.status === 200 && !response.body.errors;
      }
      const fetchesAfter = supergraph.subgraphRequests();
      const tripsAfter = roundTrips?.byDatabase();
      const per = (value: number) => Math.round((value / times) * 10) / 10;
      costs.push({
        name: operation.name,
        ok,
        fetches: Object.fromEntries(SUBGRAPHS.map((name) => [name, per(fetchesAfter[name] - fetchesBefore[name])])) as Record<
          SubgraphName,
          number
        >,
        statements: Object.fromEntries(
          SUBGRAPHS.map((name, i) => [name, per(supergraph.subgraphs[name].database.statements.count - statementsBefore[i]!)]),
        ) as Record<SubgraphName, number>,
        ...(tripsBefore && tripsAfter
          ? {
              roundTrips: Object.fromEntries(
                SUBGRAPHS.map((name) => [name, per((tripsAfter[databaseOf(name)] ?? 0) - (tripsBefore[databaseOf(name)] ?? 0))]),
              ) as Record<SubgraphName, number>,
            }
          : {}),
      });
    }
    return costs;
  } finally {
    roundTrips?.stop();
    await supergraph.stop();
  }
}
