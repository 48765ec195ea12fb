import { closeSync, copyFileSync, fsyncSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { AutovacuumStandIn } from '../autovacuum-stand-in';
import type { Dataset } from '../dataset/dataset';

/**
 * Where one open-load run's services keep their data, made afresh from the data set (they write:
 * an access-log row per read, and the mix's own writes), and how to remove it. The shape the
 * PostgreSQL loader hands over, so a database per subgraph on PostgreSQL plugs in here.
 */
export interface OpenLoadDatabases {
  /** DATA_DIR for the services (their keys, and their SQLite files on SQLite). */
  dataDir: string;
  /** Added to every service's environment: each subgraph's database URL on PostgreSQL. */
  env: NodeJS.ProcessEnv;
  /** On PostgreSQL: who vacuums and analyzes the databases while the load writes. */
  maintenance?: AutovacuumStandIn;
  remove(): Promise<void>;
}

const FILES = ['practices.sqlite', 'rollout.sqlite', 'records.sqlite'];

/** SQLite: a copy of the data set's files, written through to the disk before the load starts. */
export function sqliteCopy(dataset: Dataset): Promise<OpenLoadDatabases> {
  const dataDir = join(dirname(dataset.dir), `open-load-${basename(dataset.dir)}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  for (const file of FILES) {
    copyFileSync(join(dataset.dir, file), join(dataDir, file));
    const fd = openSync(join(dataDir, file), 'r+');
    fsyncSync(fd);
    closeSync(fd);
  }
  return Promise.resolve({ dataDir, env: {}, remove: () => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })) });
}
