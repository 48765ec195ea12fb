import { createInterface } from 'node:readline';
import { openDatabase } from '../../subgraphs/runtime/database';

/**
 * One writer process of test/e2e/sqlite-writers.test.ts: opens the SQLite file as a service
 * does (openDatabase), says `ready` with its pragmas, waits for `go` on stdin, then runs
 * `count` transactions that each hold the write lock for `holdMs`, and prints what happened.
 *
 *   tsx test/helpers/sqlite-writer.ts <path> <writer> <count> <holdMs>
 */
const [path, writer, count, holdMs] = process.argv.slice(2);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pragma = async (query: (sql: string) => Promise<Record<string, unknown>[]>, name: string) =>
  Object.values((await query(`PRAGMA ${name}`))[0] ?? {})[0];

async function main(): Promise<void> {
  const database = await openDatabase({ kind: 'sqlite', path: path! }, { entities: [], migrations: [] });
  const query = (sql: string) => database.dataSource.query<Record<string, unknown>[]>(sql);
  const pragmas = {
    journal_mode: await pragma(query, 'journal_mode'),
    synchronous: await pragma(query, 'synchronous'),
    foreign_keys: await pragma(query, 'foreign_keys'),
    busy_timeout: await pragma(query, 'busy_timeout'),
  };
  console.log(JSON.stringify({ ready: true, pragmas }));
  await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
  const errors: string[] = [];
  let longestMs = 0;
  for (let n = 0; n < Number(count); n += 1) {
    const started = performance.now();
    try {
      await database.dataSource.transaction(async (manager) => {
        await manager.query('INSERT INTO writes (writer, n) VALUES (?, ?)', [writer, n]);
        await sleep(Number(holdMs)); // the write lock is held meanwhile: the other writer must wait for it
        await manager.query('UPDATE tally SET total = total + 1');
      });
    } catch (error) {
      errors.push((error as { code?: string }).code ?? (error as Error).message);
    }
    longestMs = Math.max(longestMs, performance.now() - started);
  }
  await database.close();
  console.log(JSON.stringify({ done: true, errors, longestMs: Math.round(longestMs) }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
