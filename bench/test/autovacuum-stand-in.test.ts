import { TEST_DATABASE_URL } from '../../test/helpers/database';
import { postgresRows } from '../../test/helpers/postgres-client';
import { createScratchDatabases, type ScratchDatabases } from '../../test/helpers/scratch-databases';
import { startAutovacuumStandIn, type AutovacuumStandIn } from '../autovacuum-stand-in';

const onPostgres = TEST_DATABASE_URL ? describe : describe.skip;

const query = postgresRows;

/** The soak's stand-in for autovacuum, on the suite's PostgreSQL server (whatever its autovacuum setting). */
onPostgres('autovacuum stand-in', () => {
  let scratch: ScratchDatabases;
  let serverAutovacuum: boolean;
  beforeAll(async () => {
    scratch = await createScratchDatabases('vacuum');
    serverAutovacuum = (await query<{ autovacuum: string }>(scratch.urls.records, 'SHOW autovacuum'))[0]!.autovacuum === 'on';
  });
  afterAll(() => scratch?.drop());

  it("vacuums and analyzes the tables autovacuum would when the server's is off, else leaves them to it", async () => {
    const urls = Object.values(scratch.urls);
    for (const url of urls) {
      await query(url, 'CREATE TABLE churn (id int PRIMARY KEY, n int)');
      await query(url, 'INSERT INTO churn SELECT g, 0 FROM generate_series(1, 2000) g');
      await query(url, 'DELETE FROM churn WHERE id % 2 = 0');
      // Below every threshold (50 changes to analyze, 1,000 inserts to vacuum): left alone, as autovacuum would.
      await query(url, 'CREATE TABLE quiet (id int PRIMARY KEY)');
      await query(url, 'INSERT INTO quiet SELECT g FROM generate_series(1, 40) g');
    }
    // The server's table counters arrive a moment after the writes: wait for the round that saw them.
    let roundEnded: (error: unknown) => void = () => undefined;
    const firstRound = new Promise<unknown>((resolve) => (roundEnded = resolve));
    const standIn: AutovacuumStandIn = await startAutovacuumStandIn(urls, {
      intervalMs: 10,
      onRound: (error) => {
        if (error || standIn.vacuums() >= urls.length) roundEnded(error);
      },
    });
    try {
      expect(standIn.serverAutovacuum).toBe(serverAutovacuum);
      if (serverAutovacuum) {
        expect(standIn.describe()).toBe("the server's autovacuum on");
        return;
      }
      expect(await firstRound).toBeUndefined();
      expect(standIn.rounds()).toBeGreaterThanOrEqual(1);
      for (const url of urls) {
        const [stats] = await query<{ vacuumed: boolean; analyzed: boolean; live: string }>(
          url,
          `SELECT last_vacuum IS NOT NULL AS vacuumed, last_analyze IS NOT NULL AS analyzed, n_live_tup AS live
             FROM pg_stat_user_tables WHERE relname = 'churn'`,
        );
        expect(stats).toEqual({ vacuumed: true, analyzed: true, live: '1000' });
        // ANALYZE's figures reach the planner's catalogue.
        const [klass] = await query<{ reltuples: number }>(url, "SELECT reltuples FROM pg_class WHERE relname = 'churn'");
        expect(klass!.reltuples).toBe(1000);
        const [quiet] = await query<{ touched: boolean }>(
          url,
          "SELECT last_vacuum IS NOT NULL OR last_analyze IS NOT NULL AS touched FROM pg_stat_user_tables WHERE relname = 'quiet'",
        );
        expect(quiet).toEqual({ touched: false });
      }
      expect(standIn.vacuums()).toBe(urls.length);
      expect(standIn.analyzes()).toBe(urls.length);
    } finally {
      await standIn.stop();
    }
    expect(standIn.rounds()).toBeGreaterThanOrEqual(1);
    expect(standIn.describe()).toMatch(
      /^the server's autovacuum off, so the run did its work every 0\.01 s by its default thresholds: 3 tables vacuumed, 3 analyzed in \d+ rounds$/,
    );
  }, 60_000);

  it('rejects at stop when a round failed, so a run never reports maintenance it did not do', async () => {
    if (serverAutovacuum) return; // nothing runs to fail
    let roundEnded: (error: unknown) => void = () => undefined;
    const firstRound = new Promise<unknown>((resolve) => (roundEnded = resolve));
    const gone = new URL(scratch.urls.records);
    gone.pathname = '/no_such_database_for_the_stand_in';
    const standIn = await startAutovacuumStandIn([scratch.urls.records, gone.href], {
      intervalMs: 10,
      onRound: (error) => roundEnded(error),
    });
    // The first database is vacuumed, the second cannot be reached: the round fails and counts for nothing.
    expect(String(await firstRound)).toMatch(/no_such_database_for_the_stand_in/);
    expect(standIn.rounds()).toBe(0);
    await expect(standIn.stop()).rejects.toThrow(/no_such_database_for_the_stand_in/);
  }, 60_000);
});
