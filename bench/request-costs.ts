import { join } from 'node:path';
import type { TokenRequest } from '../gateway/token-claims';
import type { SubgraphName } from '../platform/config';
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
  /** SQL statements each subgraph ran for one operation (the access log's write included). */
  statements: Record<SubgraphName, number>;
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
  dataDir: string,
  now: string,
  operations: CostedOperation[],
  times = 5,
): Promise<RequestCost[]> {
  const file = (name: SubgraphName) => ({ kind: 'sqlite' as const, path: join(dataDir, `${name}.sqlite`) });
  const supergraph = await startSupergraph({
    now,
    databases: { practices: file('practices'), rollout: file('rollout'), records: file('records') },
  });
  try {
    const costs: RequestCost[] = [];
    for (const operation of operations) {
      const token = await supergraph.token(operation.as);
      const send = () => supergraph.graphql(token, operation.query, operation.variables);
      await send();
      const fetchesBefore = supergraph.subgraphRequests();
      const statementsBefore = SUBGRAPHS.map((name) => supergraph.subgraphs[name].database.statements.count);
      let ok = true;
      for (let k = 0; k < times; k += 1) {
        const response = await send();
        ok &&= response.status === 200 && !response.body.errors;
      }
      const fetchesAfter = supergraph.subgraphRequests();
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
      });
    }
    return costs;
  } finally {
    await supergraph.stop();
  }
}
