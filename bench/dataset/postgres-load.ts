import { join } from 'node:path';
import type { Client } from 'pg';
import type { SubgraphName } from '../../platform/config';
import { openDatabase } from '../../subgraphs/runtime/database';
import { withPostgresClient } from '../../test/helpers/postgres-client';
import type { Dataset } from './dataset';
import { copyTable, sqliteTables } from './postgres-copy';
import { SUBGRAPH_NAMES, SUBGRAPH_SCHEMAS } from './subgraph-schemas';

/** A data set loaded into PostgreSQL: a database per subgraph, as production has. */
export interface PostgresDataset {
  urls: Record<SubgraphName, string>;
  /** Seconds from the first migration to the checkpoint after the last VACUUM, all subgraphs. */
  loadSeconds: number;
  /** Of which COPY alone, and the indexes and constraints built after it. */
  copySeconds: number;
  indexSeconds: number;
  /** pg_database_size of each subgraph's database once loaded, in bytes. */
  bytes: Record<SubgraphName, number>;
  rows: Record<SubgraphName, Record<string, number>>;
  drop(): Promise<void>;
}

/** The indexes and constraints a table's rows pass through, as the migrations made them. */
interface Rebuild {
  /** Foreign keys first (they rest on the keys), then the keys and unique constraints. */
  dropConstraints: string[];
  dropIndexes: string[];
  /** In the reverse order: keys, plain indexes, then foreign keys. */
  create: string[];
}

async function indexesAndConstraints(client: Client): Promise<Rebuild> {
  const constraints = (
    await client.query<{ table: string; name: string; type: string; definition: string }>(
      `SELECT c.conrelid::regclass::text AS table, c.conname AS name, c.contype AS type, pg_get_constraintdef(c.oid) AS definition
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname = current_schema() AND c.contype IN ('p', 'u', 'f')
        ORDER BY c.contype = 'f' DESC, c.conname`,
    )
  ).rows;
  // Indexes that no constraint owns (a key's index goes and comes back with its constraint).
  const indexes = (
    await client.query<{ name: string; definition: string }>(
      `SELECT i.indexname AS name, i.indexdef AS definition
         FROM pg_indexes i
        WHERE i.schemaname = current_schema()
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass AND c.contype IN ('p', 'u'))
        ORDER BY i.indexname`,
    )
  ).rows;
  const foreign = constraints.filter((c) => c.type === 'f');
  const keys = constraints.filter((c) => c.type !== 'f');
  const add = (c: (typeof constraints)[number]) => `ALTER TABLE ${c.table} ADD CONSTRAINT "${c.name}" ${c.definition}`;
  return {
    dropConstraints: constraints.map((c) => `ALTER TABLE ${c.table} DROP CONSTRAINT "${c.name}"`),
    dropIndexes: indexes.map((i) => `DROP INDEX "${i.name}"`),
    create: [...keys.map(add), ...indexes.map((i) => i.definition), ...foreign.map(add)],
  };
}

const connected = withPostgresClient;

/** `<server>/<database>` for one database on the server `serverUrl` names. */
function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.href;
}

/**
 * Loads a generated data set (its SQLite files) into PostgreSQL, a database per subgraph named
 * `<prefix>_<subgraph>` on the server `serverUrl` names, made afresh. Each subgraph's own
 * migrations make its schema first, so it is the schema the service expects; then its indexes
 * and keys are dropped, every table is filled by COPY with triggers and foreign-key checks off
 * (session_replication_role = replica: the rows come whole from a consistent data set, record
 * versions included), the indexes and keys are built again from the definitions read before,
 * sequences are moved past the ids copied, and VACUUM (ANALYZE) gives the planner its statistics
 * and leaves the tables as a maintained database has them: hint bits set and the visibility map
 * filled, so index-only scans read the index alone. Then a CHECKPOINT, so neither the first reads'
 * writes nor the load's own checkpoint falls inside a measurement (a server with autovacuum off,
 * as some test servers are, would otherwise never get there).
 */
export async function loadIntoPostgres(
  dataset: Pick<Dataset, 'dir'>,
  serverUrl: string,
  prefix: string,
  say: (line: string) => void = () => undefined,
): Promise<PostgresDataset> {
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) throw new Error(`database prefix "${prefix}": lower-case letters, digits and _`);
  const names = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, `${prefix}_${name}`])) as Record<SubgraphName, string>;
  const urls = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, databaseUrl(serverUrl, names[name])])) as Record<
    SubgraphName,
    string
  >;
  const drop = () =>
    connected(serverUrl, async (client) => {
      for (const name of SUBGRAPH_NAMES) await client.query(`DROP DATABASE IF EXISTS "${names[name]}" WITH (FORCE)`);
    });
  await drop();
  await connected(serverUrl, async (client) => {
    for (const name of SUBGRAPH_NAMES) await client.query(`CREATE DATABASE "${names[name]}"`);
  });

  const started = performance.now();
  let copySeconds = 0;
  let indexSeconds = 0;
  const bytes = {} as Record<SubgraphName, number>;
  const rows = {} as Record<SubgraphName, Record<string, number>>;
  try {
    for (const name of SUBGRAPH_NAMES) {
      await (await openDatabase({ kind: 'postgres', url: urls[name] }, SUBGRAPH_SCHEMAS[name])).close();
      const sqlitePath = join(dataset.dir, `${name}.sqlite`);
      await connected(urls[name], async (client) => {
        const rebuild = await indexesAndConstraints(client);
        const tables = sqliteTables(sqlitePath);
        await client.query('BEGIN');
        await client.query('SET LOCAL session_replication_role = replica');
        // The migrations may have written rows of their own (data versions): the data set's replace them.
        await client.query(`TRUNCATE ${tables.map((t) => `"${t.table}"`).join(', ')}`);
        for (const statement of [...rebuild.dropConstraints, ...rebuild.dropIndexes]) await client.query(statement);
        const copyStarted = performance.now();
        rows[name] = {};
        for (const { table, columns } of tables) rows[name][table] = await copyTable(sqlitePath, client, table, columns);
        copySeconds += (performance.now() - copyStarted) / 1000;
        const indexStarted = performance.now();
        await client.query("SET LOCAL maintenance_work_mem = '256MB'");
        for (const statement of rebuild.create) await client.query(statement);
        indexSeconds += (performance.now() - indexStarted) / 1000;
        await resetSequences(client);
        await client.query('COMMIT');
        await client.query('VACUUM (ANALYZE)');
        bytes[name] = Number(
          (await client.query<{ size: string }>('SELECT pg_database_size(current_database()) AS size')).rows[0]!.size,
        );
      });
      say(`bench dataset: ${name} loaded into PostgreSQL (${(bytes[name] / 1e6).toFixed(1)} MB)`);
    }
    // A superuser's or pg_checkpoint's right; without it the server checkpoints on its own schedule.
    await connected(serverUrl, (client) => client.query('CHECKPOINT')).catch((error: unknown) =>
      say(`bench dataset: no CHECKPOINT after the load (${error instanceof Error ? error.message : String(error)})`),
    );
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
  const round = (seconds: number) => Math.round(seconds * 10) / 10;
  return {
    urls,
    loadSeconds: round((performance.now() - started) / 1000),
    copySeconds: round(copySeconds),
    indexSeconds: round(indexSeconds),
    bytes,
    rows,
    drop,
  };
}

/** Every sequence behind a column moved past the largest id copied, as if the rows had been inserted. */
async function resetSequences(client: Client): Promise<void> {
  const owned = (
    await client.query<{ table: string; column: string; sequence: string }>(
      `SELECT t.relname AS table, a.attname AS column, pg_get_serial_sequence(quote_ident(t.relname), a.attname) AS sequence
         FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_attribute a ON a.attrelid = t.oid
        WHERE n.nspname = current_schema() AND t.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
          AND pg_get_serial_sequence(quote_ident(t.relname), a.attname) IS NOT NULL`,
    )
  ).rows;
  for (const { table, column, sequence } of owned) {
    await client.query(`SELECT setval($1, COALESCE((SELECT MAX("${column}") FROM "${table}"), 0) + 1, false)`, [sequence]);
  }
}
