import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DEFAULT_DATABASE_LIMITS } from '../../subgraphs/runtime/config';
import { openDatabase } from '../../subgraphs/runtime/database';

const root = join(__dirname, '..', '..');

interface Writer {
  ready: Promise<{ pragmas: Record<string, unknown> }>;
  done: Promise<{ errors: string[]; longestMs: number }>;
  go(): void;
  /** Ends the process if it is still running (a test that failed before it finished). */
  kill(): void;
}

/** A process that writes to the file as a service would (test/helpers/sqlite-writer.ts). */
function writer(path: string, name: string, count: number, holdMs: number): Writer {
  const child = spawn(
    join(root, 'node_modules', '.bin', 'tsx'),
    ['test/helpers/sqlite-writer.ts', path, name, String(count), String(holdMs)],
    {
      cwd: root,
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout });
  const messages: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  lines.on('line', (line) => {
    messages.push(JSON.parse(line) as Record<string, unknown>);
    waiters.splice(0).forEach((wake) => wake());
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const message = <T>(key: string) =>
    new Promise<T>((resolve, reject) => {
      const look = () => {
        const found = messages.find((m) => key in m);
        if (found) resolve(found as T);
        else waiters.push(look);
      };
      look();
      void exited.then(() => setImmediate(() => reject(new Error(`${name} exited without "${key}": ${stderr}`))));
    });
  return {
    ready: message('ready'),
    done: message('done'),
    go: () => child.stdin.end('go\n'),
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/**
 * The SQLite file is one service's, but not only its: `npm run import:practices` writes to a
 * running practices service's file, and `npm start` restarts against the same files. Another
 * process's write must make a write wait (the busy timeout), not fail with SQLITE_BUSY.
 */
describe('the SQLite file, written by two processes at once', () => {
  let dir: string;
  let path: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cas-sqlite-writers-'));
    path = join(dir, 'shared.sqlite');
    const database = await openDatabase({ kind: 'sqlite', path }, { entities: [], migrations: [] });
    await database.dataSource.query('CREATE TABLE writes (writer TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (writer, n))');
    await database.dataSource.query('CREATE TABLE tally (total INTEGER NOT NULL)');
    await database.dataSource.query('INSERT INTO tally (total) VALUES (0)');
    await database.close();
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is opened in WAL mode, synchronous NORMAL, with foreign keys on and the busy timeout set', async () => {
    const database = await openDatabase({ kind: 'sqlite', path }, { entities: [], migrations: [] });
    try {
      const read = async (name: string) => Object.values((await database.dataSource.query(`PRAGMA ${name}`))[0] ?? {})[0];
      expect(await read('journal_mode')).toBe('wal');
      expect(await read('synchronous')).toBe(1); // NORMAL
      expect(await read('foreign_keys')).toBe(1);
      expect(await read('busy_timeout')).toBe(DEFAULT_DATABASE_LIMITS.busyTimeoutMs);
    } finally {
      await database.close();
    }
  });

  it('lets each write wait for the other process to finish its transaction, so neither fails with SQLITE_BUSY', async () => {
    const count = 40;
    const holdMs = 15;
    const writers = [writer(path, 'a', count, holdMs), writer(path, 'b', count, holdMs)];
    try {
      const ready = await Promise.all(writers.map((w) => w.ready));
      writers.forEach((w) => w.go());
      const results = await Promise.all(writers.map((w) => w.done));
      expect(results.map((r) => r.errors)).toEqual([[], []]);

      const database = await openDatabase({ kind: 'sqlite', path }, { entities: [], migrations: [] });
      try {
        const rows = await database.dataSource.query('SELECT writer, count(*) AS n FROM writes GROUP BY writer ORDER BY writer');
        expect(rows).toEqual([
          { writer: 'a', n: count },
          { writer: 'b', n: count },
        ]);
        expect(await database.dataSource.query('SELECT total FROM tally')).toEqual([{ total: 2 * count }]);
      } finally {
        await database.close();
      }
      // They did contend: at some point a transaction waited about a whole one of the other's.
      expect(Math.max(...results.map((r) => r.longestMs))).toBeGreaterThanOrEqual(holdMs * 2);
      for (const { pragmas } of ready) {
        expect(pragmas).toEqual({
          journal_mode: 'wal',
          synchronous: 1,
          foreign_keys: 1,
          busy_timeout: DEFAULT_DATABASE_LIMITS.busyTimeoutMs,
        });
      }
    } finally {
      writers.forEach((w) => w.kill());
    }
  }, 60_000);
});
