import type { SubgraphName } from '../../platform/config';
import type { DatabaseOptions } from '../../subgraphs/runtime/database';
import { practicesDatabase } from '../../subgraphs/practices/server';
import { recordsDatabase } from '../../subgraphs/records/server';
import { rolloutDatabase } from '../../subgraphs/rollout/server';

/** Each subgraph's entities and migrations, the very lists its server.ts opens its database with. */
export const SUBGRAPH_SCHEMAS: Record<SubgraphName, Pick<DatabaseOptions, 'entities' | 'migrations'>> = {
  practices: { entities: practicesDatabase.entities, migrations: practicesDatabase.migrations },
  rollout: rolloutDatabase,
  records: recordsDatabase,
};

export const SUBGRAPH_NAMES: SubgraphName[] = ['practices', 'rollout', 'records'];

/** The migration names of each subgraph, in order: a data set is reused only if they match. */
export function migrationNames(): Record<SubgraphName, string[]> {
  const namesOf = (name: SubgraphName) =>
    (SUBGRAPH_SCHEMAS[name].migrations as (new () => { name?: string })[]).map(
      (Migration) => new Migration().name ?? Migration.name,
    );
  return { practices: namesOf('practices'), rollout: namesOf('rollout'), records: namesOf('records') };
}
