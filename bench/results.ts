import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative } from 'node:path';

/** The machine a figure came from, for every results file (the database: as the bench says, else as the suite's). */
export const machine = (database: 'sqlite' | 'postgres' = process.env.TEST_DATABASE_URL ? 'postgres' : 'sqlite'): string =>
  `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${database === 'postgres' ? 'PostgreSQL' : 'SQLite'}`;

export const RESULTS_DIR = join(__dirname, 'results');
const ROOT = join(__dirname, '..');

/** Paths inside the repository are saved relative to it: results name no one's machine. */
const repositoryRelative = (_key: string, value: unknown): unknown =>
  typeof value === 'string' && value.startsWith(`${ROOT}/`) ? relative(ROOT, value) : value;

/** Formats files in place as `npm run lint` expects (prettier's CLI: its API is ESM-only under Jest). */
function prettierWrite(path: string): void {
  execFileSync(process.execPath, [require.resolve('prettier/bin/prettier.cjs'), '--write', '--log-level', 'warn', path]);
}

/**
 * Writes bench/results/NAME.md (NAME-postgres.md on PostgreSQL: as `database` says, else as the
 * suite's TEST_DATABASE_URL does), formatted as `npm run lint` expects; prints it unless told
 * not to, and returns it.
 */
export function saveResult(
  name: string,
  markdown: string,
  dir = RESULTS_DIR,
  print = true,
  database: 'sqlite' | 'postgres' = process.env.TEST_DATABASE_URL ? 'postgres' : 'sqlite',
): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}${database === 'postgres' ? '-postgres' : ''}.md`);
  writeFileSync(path, markdown);
  prettierWrite(path);
  const saved = readFileSync(path, 'utf8');
  if (print) console.log(`\n${saved}`);
  return Promise.resolve(saved);
}

/** Writes bench/results/NAME.json (every figure of a run), formatted as `npm run lint` expects. */
export function saveJson(name: string, value: unknown, dir = RESULTS_DIR): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(value, repositoryRelative));
  prettierWrite(path);
  return Promise.resolve();
}

/** Sorted latencies → the p-th percentile. */
export const percentile = (sorted: ArrayLike<number>, p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
