import { Client } from 'pg';
import { TEST_DATABASE_URL } from '../../test/helpers/database';
import { localPostgresCpu } from '../postgres-cpu';

/** The bench counts the local PostgreSQL server's CPU beside the services', and only a local server's. */
describe("the local PostgreSQL server's CPU", () => {
  it('is not read for a server elsewhere, or without one', () => {
    expect(localPostgresCpu(undefined)).toBeUndefined();
    expect(localPostgresCpu('postgres://bench@db.example.org:5432/test')).toBeUndefined();
    expect(localPostgresCpu('postgres://postgres@127.0.0.1:5432/test')).toBeInstanceOf(Function);
    expect(localPostgresCpu('postgres://postgres@localhost/test')).toBeInstanceOf(Function);
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
});
