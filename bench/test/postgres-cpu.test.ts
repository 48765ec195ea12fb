import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { TEST_DATABASE_URL } from '../../test/helpers/database';
import { cpuTime } from '../../test/helpers/service-process';
import { localPostgresCpu } from '../postgres-cpu';

/** The bench counts the local PostgreSQL server's CPU beside the services', and only a local server's. */
describe("the local PostgreSQL server's CPU", () => {
  it('is not read for a server elsewhere, or without one', () => {
    expect(localPostgresCpu(undefined)).toBeUndefined();
    expect(localPostgresCpu('postgres://bench@db.example.org:5432/test')).toBeUndefined();
    expect(localPostgresCpu('postgres://postgres@127.0.0.1:5432/test')).toBeInstanceOf(Function);
    expect(localPostgresCpu('postgres://postgres@localhost/test')).toBeInstanceOf(Function);
  });

  it("counts the CPU of a process's children that have ended, as the postmaster's are", () => {
    const before = { own: cpuTime(process.pid), withChildren: cpuTime(process.pid, true) };
    // A child that spins for 400 ms of CPU, then exits and is waited for.
    spawnSync(process.execPath, ['-e', 'const end = Date.now() + 400; while (Date.now() < end);']);
    const childrens = cpuTime(process.pid, true) - before.withChildren - (cpuTime(process.pid) - before.own);
    expect(childrens).toBeGreaterThan(250);
  });

  (TEST_DATABASE_URL ? it : it.skip)('grows by the work a backend does', async () => {
    const cpu = localPostgresCpu(TEST_DATABASE_URL)!;
    const client = new Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      const before = cpu();
      // About a second of one backend's CPU, whatever else the machine does.
      await client.query('SELECT sum(x) FROM generate_series(1, 20000000) AS x');
      expect(cpu() - before).toBeGreaterThan(200);
    } finally {
      await client.end();
    }
  });

  (TEST_DATABASE_URL ? it : it.skip)("keeps a backend's CPU once its connection has closed", async () => {
    const cpu = localPostgresCpu(TEST_DATABASE_URL)!;
    const before = cpu();
    const client = new Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await client.query('SELECT sum(x) FROM generate_series(1, 20000000) AS x');
    await client.end();
    // Until the backend has exited and been reaped, it would still count itself.
    while (existsSync(`/proc/${rows[0]!.pid}`)) await new Promise((turn) => setImmediate(turn));
    // Its CPU stays in the total, carried by the postmaster.
    expect(cpu() - before).toBeGreaterThan(200);
  });
});
