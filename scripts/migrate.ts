import { ConfigError, type SubgraphName } from '../platform/config';
import { loadDatabaseConfig } from '../subgraphs/runtime/config';
import { migrateDatabase, type DatabaseOptions } from '../subgraphs/runtime/database';
import { practicesDatabase } from '../subgraphs/practices/server';
import { recordsDatabase } from '../subgraphs/records/server';
import { rolloutDatabase } from '../subgraphs/rollout/server';

/**
 * `npm run migrate [practices|rollout|records ...]`: runs each subgraph's pending migrations (all
 * three by default), as the schema owner (<NAME>_MIGRATION_DATABASE_URL, else <NAME>_DATABASE_URL,
 * else the SQLite file under DATA_DIR), under the migration lock (subgraphs/runtime/migrations.ts).
 * The deployment step before the services start with NODE_ENV=production; running it again is harmless.
 */
const SCHEMAS: Record<SubgraphName, Pick<DatabaseOptions, 'entities' | 'migrations'>> = {
  practices: practicesDatabase,
  rollout: rolloutDatabase,
  records: recordsDatabase,
};

async function main(): Promise<number> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(name in SCHEMAS));
  if (unknown.length > 0) {
    console.error(`Unknown subgraph: ${unknown.join(', ')} (one of ${Object.keys(SCHEMAS).join(', ')})`);
    return 2;
  }
  const names = (asked.length > 0 ? asked : Object.keys(SCHEMAS)) as SubgraphName[];
  // Configuration first, for all: a mistake in one stops the run before any database changes.
  const configs = names.map((name) => [name, loadDatabaseConfig(name)] as const);
  for (const [name, config] of configs) {
    const ran = await migrateDatabase(config, SCHEMAS[name]);
    console.log(ran.length > 0 ? `${name}: ran ${ran.length} migration(s): ${ran.join(', ')}` : `${name}: up to date`);
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(error instanceof ConfigError ? message : `Migration failed: ${message}`);
    process.exitCode = 1;
  },
);
