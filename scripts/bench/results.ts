import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { format } from 'prettier';

/** The machine a figure came from, for every results file. */
export const machine = (): string =>
  `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite'}`;

/** Writes bench/results/NAME.md (NAME-postgres.md on PostgreSQL), formatted as `npm run lint` expects, and prints it. */
export async function saveResult(name: string, markdown: string): Promise<void> {
  const dir = join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const formatted = await format(markdown, { parser: 'markdown', printWidth: 130 });
  writeFileSync(join(dir, `${name}${process.env.TEST_DATABASE_URL ? '-postgres' : ''}.md`), formatted);
  console.log(`\n${formatted}`);
}

/** Sorted latencies → the p-th percentile. */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
