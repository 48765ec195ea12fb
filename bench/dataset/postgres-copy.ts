import Database from 'better-sqlite3';
import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

/** SQLite's own bookkeeping, and the migrations' table, which the migrations fill on PostgreSQL themselves. */
const NOT_COPIED = new Set(['sqlite_sequence', 'migrations']);

/** Rows per chunk handed to the COPY stream: large enough to keep the stream busy, small for memory. */
const ROWS_PER_CHUNK = 2000;

/** One value in COPY's text format: \N for null, and the four characters COPY reads as escapes. */
function copyText(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (Buffer.isBuffer(value)) return `\\\\x${value.toString('hex')}`;
  // SQLite gives text, numbers (integers as bigint only when asked) and buffers.
  const text = typeof value === 'number' || typeof value === 'bigint' ? value.toString() : (value as string);
  return text.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** The tables of a SQLite file worth copying, with their columns in order. */
export function sqliteTables(path: string): { table: string; columns: string[] }[] {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    return tables
      .filter((table) => !NOT_COPIED.has(table))
      .map((table) => ({
        table,
        columns: (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name),
      }));
  } finally {
    db.close();
  }
}

/**
 * Streams every row of `table` from the SQLite file into the same table on PostgreSQL through
 * one `COPY ... FROM STDIN`: one statement and a stream of data, instead of a round trip per
 * batch of INSERTs. Values go as SQLite holds them (instants are epoch milliseconds in both,
 * flags 0 or 1, which PostgreSQL's boolean input reads). Returns the rows copied.
 */
export async function copyTable(sqlitePath: string, client: Client, table: string, columns: string[]): Promise<number> {
  const db = new Database(sqlitePath, { readonly: true });
  try {
    const rows = db
      .prepare(`SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM "${table}"`)
      .raw()
      .iterate() as Iterable<unknown[]>;
    let count = 0;
    async function* chunks() {
      let lines: string[] = [];
      for (const row of rows) {
        lines.push(row.map(copyText).join('\t'));
        count += 1;
        if (lines.length >= ROWS_PER_CHUNK) {
          yield `${lines.join('\n')}\n`;
          lines = [];
        }
      }
      if (lines.length > 0) yield `${lines.join('\n')}\n`;
    }
    const copy = client.query(copyFrom(`COPY "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN`));
    await pipeline(Readable.from(chunks()), copy);
    return count;
  } finally {
    db.close();
  }
}
