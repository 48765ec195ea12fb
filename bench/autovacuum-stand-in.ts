import { withPostgresClient } from '../test/helpers/postgres-client';

/** What a run did about vacuuming and statistics, for its results. */
export interface AutovacuumStandIn {
  /** The server's own autovacuum runs: nothing for this to do. */
  serverAutovacuum: boolean;
  /** Rounds this ran over every database. */
  rounds(): number;
  /** Tables it vacuumed and analyzed, over every round. */
  vacuums(): number;
  analyzes(): number;
  /** One line for the results. */
  describe(): string;
  /** Stops the rounds, waiting for one under way; rejects if a round failed. */
  stop(): Promise<void>;
}

/**
 * PostgreSQL's default autovacuum thresholds (autovacuum_vacuum_threshold and _scale_factor,
 * the _insert_ pair, autovacuum_analyze_threshold and _scale_factor).
 */
const VACUUM = { rows: 50, share: 0.2 };
const VACUUM_INSERTS = { rows: 1000, share: 0.2 };
const ANALYZE = { rows: 50, share: 0.1 };

/** A table autovacuum would vacuum or analyze now, by its counters (a table never analyzed counts as empty). */
const DUE = `
  SELECT quote_ident(s.schemaname) || '.' || quote_ident(s.relname) AS name,
         (s.n_dead_tup > ${VACUUM.rows} + ${VACUUM.share} * greatest(c.reltuples, 0)
          OR s.n_ins_since_vacuum > ${VACUUM_INSERTS.rows} + ${VACUUM_INSERTS.share} * greatest(c.reltuples, 0)) AS vacuum,
         s.n_mod_since_analyze > ${ANALYZE.rows} + ${ANALYZE.share} * greatest(c.reltuples, 0) AS analyze
    FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid`;

/**
 * Does autovacuum's work on databases whose server has it turned off (this machine's CI server
 * does, to keep tests steady). A long run with writes on such a server keeps every dead row,
 * never sets the visibility map, and plans on the statistics of the tables as they started, so
 * its reads slow down as no production server, where autovacuum is on, would let them. Every
 * `intervalMs` (autovacuum's naptime, a minute) it reads each database's table counters and
 * vacuums and analyzes the tables that autovacuum's default thresholds would pick, one round at
 * a time (`onRound` hears each one end, with the error if it failed). On a server with
 * autovacuum on it does nothing.
 */
export async function startAutovacuumStandIn(
  urls: readonly string[],
  { intervalMs = 60_000, onRound }: { intervalMs?: number; onRound?: (error?: unknown) => void } = {},
): Promise<AutovacuumStandIn> {
  const serverAutovacuum =
    urls.length === 0 ||
    (await withPostgresClient(
      urls[0]!,
      async (client) => (await client.query<{ autovacuum: string }>('SHOW autovacuum')).rows[0]?.autovacuum === 'on',
    ));
  let rounds = 0;
  let vacuums = 0;
  let analyzes = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let failure: Error | undefined;
  const round = async () => {
    for (const url of urls) {
      if (stopped) return;
      await withPostgresClient(url, async (client) => {
        const due = (await client.query<{ name: string; vacuum: boolean; analyze: boolean }>(DUE)).rows;
        for (const table of due) {
          if (table.vacuum) await client.query(`VACUUM${table.analyze ? ' (ANALYZE)' : ''} ${table.name}`);
          else if (table.analyze) await client.query(`ANALYZE ${table.name}`);
          vacuums += table.vacuum ? 1 : 0;
          analyzes += table.analyze ? 1 : 0;
        }
      });
    }
    rounds += 1;
    onRound?.();
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = round().then(schedule, (error: unknown) => {
        failure = error instanceof Error ? error : new Error(String(error)); // no more rounds: stop() reports it
        onRound?.(error);
      });
    }, intervalMs);
    timer.unref(); // never what keeps a run's process alive
  };
  if (!serverAutovacuum) schedule();
  return {
    serverAutovacuum,
    rounds: () => rounds,
    vacuums: () => vacuums,
    analyzes: () => analyzes,
    describe: () =>
      serverAutovacuum
        ? "the server's autovacuum on"
        : `the server's autovacuum off, so the run did its work every ${intervalMs / 1000} s by its default thresholds: ${vacuums} tables vacuumed, ${analyzes} analyzed in ${rounds} rounds`,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
      if (failure) throw failure;
    },
  };
}
