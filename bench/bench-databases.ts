import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, fsyncSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { SubgraphName } from '../platform/config';
import type { DatabaseConfig } from '../subgraphs/runtime/config';
import { startAutovacuumStandIn, type AutovacuumStandIn } from './autovacuum-stand-in';
import type { BenchSettings } from './bench-settings';
import type { Dataset } from './dataset/dataset';
import { loadIntoPostgres, type PostgresDataset } from './dataset/postgres-load';
import { SUBGRAPH_NAMES } from './dataset/subgraph-schemas';

/** Where one run's services keep their data, made afresh from the data set, and how to remove it. */
export interface RunDatabases {
  /** DATA_DIR for the services (their keys live there, and their SQLite files on SQLite). */
  dataDir: string;
  /** Added to every service's environment: each subgraph's database URL on PostgreSQL. */
  env: NodeJS.ProcessEnv;
  /** The same databases for the in-process supergraph that counts statements. */
  configs: Record<SubgraphName, DatabaseConfig>;
  /** On PostgreSQL: load time and size. */
  postgres?: Omit<PostgresDataset, 'urls' | 'drop'>;
  /** On PostgreSQL: who vacuums and analyzes the databases while the run writes (autovacuum-stand-in.ts). */
  maintenance?: AutovacuumStandIn;
  remove(): Promise<void>;
}

/**
 * A fresh copy of the data set for one run: the services write to their databases (an access
 * log row per read), so every run starts from the same rows and the data set itself stays
 * pristine for the next run. On SQLite, a copy of its files; on PostgreSQL, the files loaded
 * into a database per subgraph (dataset/postgres-load.ts).
 */
export async function runDatabases(
  dataset: Dataset,
  settings: Pick<BenchSettings, 'database' | 'databaseUrl'>,
  say: (line: string) => void,
): Promise<RunDatabases> {
  const dataDir = join(dirname(dataset.dir), `run-${basename(dataset.dir)}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  if (settings.database === 'postgres') {
    // Databases of this run's own: two data sets, or two runs at once, never share one.
    const prefix = `bench_${basename(dataset.dir)
      .replace(/[^a-z0-9]+/gi, '_')
      .toLowerCase()
      .slice(0, 30)}_${randomBytes(4).toString('hex')}`;
    const loaded = await loadIntoPostgres(dataset, settings.databaseUrl!, prefix, say);
    const { urls } = loaded;
    const figures = {
      loadSeconds: loaded.loadSeconds,
      copySeconds: loaded.copySeconds,
      indexSeconds: loaded.indexSeconds,
      bytes: loaded.bytes,
      rows: loaded.rows,
    };
    say(
      `bench dataset: loaded into PostgreSQL in ${figures.loadSeconds} s (COPY ${figures.copySeconds} s, indexes ${figures.indexSeconds} s)`,
    );
    // The run writes (an access-log row a read, the open load's own writes): as on a production server, someone vacuums.
    let maintenance: AutovacuumStandIn;
    try {
      maintenance = await startAutovacuumStandIn(Object.values(urls));
    } catch (error) {
      await loaded.drop();
      throw error;
    }
    return {
      dataDir,
      env: Object.fromEntries(SUBGRAPH_NAMES.map((name) => [`${name.toUpperCase()}_DATABASE_URL`, urls[name]])),
      configs: Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, { kind: 'postgres', url: urls[name] }])) as Record<
        SubgraphName,
        DatabaseConfig
      >,
      postgres: figures,
      maintenance,
      remove: async () => {
        try {
          await maintenance.stop();
        } finally {
          await loaded.drop();
          rmSync(dataDir, { recursive: true, force: true });
        }
      },
    };
  }
  for (const name of SUBGRAPH_NAMES) {
    const file = `${name}.sqlite`;
    copyFileSync(join(dataset.dir, file), join(dataDir, file));
    // Written through to the disk now, not while the first scenario runs (gigabytes of dirty pages).
    for (const path of [join(dataset.dir, file), join(dataDir, file)]) {
      const fd = openSync(path, 'r+');
      fsyncSync(fd);
      closeSync(fd);
    }
  }
  return {
    dataDir,
    env: {},
    configs: Object.fromEntries(
      SUBGRAPH_NAMES.map((name) => [name, { kind: 'sqlite', path: join(dataDir, `${name}.sqlite`) }]),
    ) as Record<SubgraphName, DatabaseConfig>,
    remove: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}
