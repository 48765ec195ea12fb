import Sqlite from 'better-sqlite3';
import { existsSync } from 'node:fs';

/**
 * A subgraph's SQLite file copied through SQLite's online backup API (better-sqlite3's
 * `backup()`), never as a file: a live database in WAL mode keeps committed pages in its `-wal`
 * file, so a plain copy of the main file can miss them or catch a half-written checkpoint.
 */

/** SQLite's own check of a whole file: 'ok' or the first problems it found. */
function integrityOf(path: string): string {
  const db = new Sqlite(path, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

/** How many tables the file holds: 0 when there is no file, or an empty one. */
export function sqliteTables(path: string): number {
  if (!existsSync(path)) return 0;
  const db = new Sqlite(path, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare(`SELECT count(*) AS tables FROM sqlite_master WHERE type = 'table'`).get() as { tables: number };
    return row.tables;
  } finally {
    db.close();
  }
}

/** Copies `source` into `destination` page by page, consistently, while services keep writing to it. */
async function copy(source: string, destination: string): Promise<void> {
  const db = new Sqlite(source, { readonly: true, fileMustExist: true });
  try {
    await db.backup(destination);
  } finally {
    db.close();
  }
}

/** An online backup of the live database `source` into `file`, checked after the copy. */
export async function backupSqlite(source: string, file: string): Promise<void> {
  await copy(source, file);
  const integrity = integrityOf(file);
  if (integrity !== 'ok') throw new Error(`the backup ${file} failed SQLite's integrity check: ${integrity}`);
}

/**
 * Restores the backup `file` into `target` (its service stopped), checked first. Through the
 * backup API as well: any `-wal` file left beside `target` is taken into account, not replayed
 * over the restored pages later.
 */
export async function restoreSqlite(file: string, target: string): Promise<void> {
  const integrity = integrityOf(file);
  if (integrity !== 'ok') throw new Error(`the backup ${file} failed SQLite's integrity check: ${integrity}`);
  await copy(file, target);
}
