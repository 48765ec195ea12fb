import { mkdirSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { SubgraphName } from '../../../platform/config';
import { loadDatabaseConfig, type DatabaseConfig } from '../config';
import { dumpPostgres, restorePostgres, tablesIn } from './postgres-backup';
import { backupSqlite, restoreSqlite, sqliteTables } from './sqlite-backup';

/**
 * `npm run backup` and `npm run restore`, apart from argv and exit codes: which database each
 * subgraph uses comes from the variables the services and `npm run migrate` read, and PostgreSQL
 * is dumped and restored as the schema owner (<NAME>_MIGRATION_DATABASE_URL, else <NAME>_DATABASE_URL).
 */
export const SUBGRAPH_NAMES: readonly SubgraphName[] = ['practices', 'rollout', 'records'];

/** A restore that would overwrite data, refused: nothing was changed. */
export class RestoreRefused extends Error {}

const extensionOf = (config: DatabaseConfig) => (config.kind === 'postgres' ? '.dump' : '.sqlite');
const ownerUrl = (config: Extract<DatabaseConfig, { kind: 'postgres' }>) => config.migrationUrl ?? config.url;

/** `20240115T120000Z`: sorts by time, and is a safe file name everywhere. */
export const stamp = (now: Date) =>
  now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** Backs up each named subgraph's database into `outDir`, one file each; returns the files written. */
export async function runBackup(
  names: readonly SubgraphName[],
  outDir: string,
  env: NodeJS.ProcessEnv,
  now: Date,
): Promise<string[]> {
  // Configuration first, for all: a mistake in one stops the run before any file is written.
  const configs = names.map((name) => [name, loadDatabaseConfig(name, env)] as const);
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  for (const [name, config] of configs) {
    const file = resolve(join(outDir, `${name}-${stamp(now)}${extensionOf(config)}`));
    if (config.kind === 'postgres') await dumpPostgres(ownerUrl(config), file);
    else await backupSqlite(config.path, file);
    files.push(file);
  }
  return files;
}

/**
 * Restores `file` into the subgraph's database: PostgreSQL into the existing database (made as the
 * deployment makes it, with its service user), SQLite over the file (its service stopped). Refuses
 * a database that already holds tables unless `replace`, and a file of the other kind.
 */
export async function runRestore(name: SubgraphName, file: string, replace: boolean, env: NodeJS.ProcessEnv): Promise<void> {
  const config = loadDatabaseConfig(name, env);
  if (extname(file) !== extensionOf(config)) {
    throw new RestoreRefused(
      `${name} uses ${config.kind === 'postgres' ? 'PostgreSQL' : 'SQLite'}: restore a ${extensionOf(config)} file, not ${file}`,
    );
  }
  const tables = config.kind === 'postgres' ? await tablesIn(ownerUrl(config)) : sqliteTables(config.path);
  if (tables > 0 && !replace) {
    throw new RestoreRefused(`${name}: the database already holds ${tables} table(s); pass --replace to overwrite it`);
  }
  if (config.kind === 'postgres') await restorePostgres(ownerUrl(config), file, { replace: tables > 0 });
  else await restoreSqlite(file, config.path);
}
