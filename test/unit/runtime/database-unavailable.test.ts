import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Client, Pool } from 'pg';
import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from '../../../subgraphs/runtime/database-unavailable';
import { TEST_DATABASE_URL } from '../../helpers/database';

/**
 * Which database errors mean "try again shortly": each made for real by the driver itself
 * (a lock held, a server that never answers), and the faults beside them that must not pass
 * for a wait.
 */
async function rejection(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('SQLite', () => {
  let dir: string;
  let holder: BetterSqlite3.Database;
  let waiter: BetterSqlite3.Database;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cas-busy-'));
    holder = new BetterSqlite3(join(dir, 'busy.sqlite'));
    holder.pragma('journal_mode = WAL');
    holder.exec('CREATE TABLE access_log (id INTEGER PRIMARY KEY)');
    waiter = new BetterSqlite3(join(dir, 'busy.sqlite'), { timeout: 0 });
  });
  afterAll(() => {
    waiter.close();
    holder.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a write lock held by another connection (SQLITE_BUSY), raw or as TypeORM wraps it, is a wait', async () => {
    holder.exec('BEGIN IMMEDIATE');
    try {
      const busy = await rejection(async () => waiter.exec('INSERT INTO access_log DEFAULT VALUES'));
      expect((busy as { code?: string }).code).toBe('SQLITE_BUSY');
      expect(isDatabaseUnavailable(busy)).toBe(true);
      expect(isDatabaseUnavailable(new QueryFailedError('INSERT …', [], busy as Error))).toBe(true);
    } finally {
      holder.exec('ROLLBACK');
    }
  });

  it('a missing table or a constraint broken is a fault, not a wait', async () => {
    expect(isDatabaseUnavailable(await rejection(async () => waiter.exec('SELECT * FROM access_log_gone')))).toBe(false);
    waiter.exec('INSERT INTO access_log (id) VALUES (1)');
    expect(isDatabaseUnavailable(await rejection(async () => waiter.exec('INSERT INTO access_log (id) VALUES (1)')))).toBe(false);
    expect(isDatabaseUnavailable(new Error('Cannot read properties of undefined'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});

describe('node-postgres against a server that accepts connections and never answers', () => {
  let server: Server;
  let port: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a connection not made within the connect timeout, or none free in the pool within it, is a wait', async () => {
    const pool = new Pool({ host: '127.0.0.1', port, user: 'x', database: 'x', max: 1, connectionTimeoutMillis: 50 });
    try {
      // The first waits for its connection to be made, the second for the pool's only one.
      const errors = await Promise.all([rejection(() => pool.connect()), rejection(() => pool.connect())]);
      expect(errors.map((error) => (error as Error).message).sort()).toEqual([
        'Connection terminated due to connection timeout',
        'timeout exceeded when trying to connect',
      ]);
      for (const error of errors) expect(isDatabaseUnavailable(error)).toBe(true);
    } finally {
      await pool.end();
    }
  });

  it('a refused connection is a wait', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const client = new Client({ host: '127.0.0.1', port: closedPort, user: 'x', database: 'x' });
    expect(isDatabaseUnavailable(await rejection(() => client.connect()))).toBe(true);
  });
});

(TEST_DATABASE_URL ? describe : describe.skip)('PostgreSQL (TEST_DATABASE_URL)', () => {
  let client: Client;
  beforeAll(async () => {
    client = new Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
  });
  afterAll(() => client.end());

  it('a statement cancelled by statement_timeout is a wait; a syntax error is not', async () => {
    await client.query('SET statement_timeout = 20');
    const cancelled = await rejection(() => client.query('SELECT pg_sleep(5)'));
    expect((cancelled as { code?: string }).code).toBe('57014');
    expect(isDatabaseUnavailable(cancelled)).toBe(true);
    await client.query('SET statement_timeout = 0');
    expect(isDatabaseUnavailable(await rejection(() => client.query('SELEC 1')))).toBe(false);
  });
});
