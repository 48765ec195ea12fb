import { Gauge, Histogram, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { DURATION_BUCKETS } from '../../platform/operation-metrics';
import { turnsWaiting } from '../../patches/typeorm-sqlite-transactions';

/** Times one statement: called when it ends, with whether it failed. */
export type QueryObserver = (seconds: number, failed: boolean) => void;

/** The pg pool's counts, as node-postgres keeps them. */
interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/**
 * A subgraph's database as figures: how long each statement takes (wrapped around TypeORM's
 * query runner, so every store's SQL counts, and nothing of the SQL text or its parameters is
 * kept), and how full the pool is, read when scraped: on PostgreSQL the pool's connections
 * (total, idle) and the queries waiting for one; on SQLite, which has one connection, the
 * statements and transactions waiting for their turn on it (patches/typeorm-sqlite-transactions.ts).
 */
export function databaseMetrics(registry: Registry) {
  const queries = new Histogram({
    name: 'db_query_duration_seconds',
    help: 'Time each SQL statement took on the service connection, by outcome (ok or error)',
    labelNames: ['outcome'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  let dataSource: DataSource | undefined;
  const pool = () =>
    dataSource?.options.type === 'postgres' ? (dataSource.driver as unknown as { master?: PgPool }).master : undefined;
  new Gauge({
    name: 'db_pool_connections',
    help: 'PostgreSQL pool connections, by state (total open, idle); SQLite: its one connection',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.reset();
      if (!dataSource?.isInitialized) return;
      const pg = pool();
      if (pg) {
        this.set({ state: 'total' }, pg.totalCount);
        this.set({ state: 'idle' }, pg.idleCount);
      } else this.set({ state: 'total' }, 1);
    },
  });
  new Gauge({
    name: 'db_pool_waiting',
    help: 'Queries waiting for a pooled connection (PostgreSQL), or for their turn on the one connection (SQLite)',
    registers: [registry],
    collect() {
      this.set(!dataSource?.isInitialized ? 0 : (pool()?.waitingCount ?? turnsWaiting(dataSource)));
    },
  });
  return {
    observeQuery: ((seconds, failed) => queries.observe({ outcome: failed ? 'error' : 'ok' }, seconds)) as QueryObserver,
    /** The data source the pool figures are read from, once open. */
    watch(opened: DataSource): void {
      dataSource = opened;
    },
  };
}

const timed = new WeakSet<object>();

/**
 * Wraps every query runner the data source hands out (PostgreSQL: one per connection use;
 * SQLite: the one it shares) so each statement's time reaches `observe`. Called before the
 * SQLite patches, so a statement's wait for its turn is not counted as its time.
 */
export function timeQueries(dataSource: DataSource, observe: QueryObserver): void {
  const driver = dataSource.driver;
  const create = driver.createQueryRunner.bind(driver);
  driver.createQueryRunner = (mode) => {
    const runner = create(mode);
    if (timed.has(runner)) return runner;
    timed.add(runner);
    const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
    runner.query = (async (...args: unknown[]) => {
      const started = performance.now();
      let failed = false;
      try {
        return await query(...args);
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        observe((performance.now() - started) / 1000, failed);
      }
    }) as typeof runner.query;
    return runner;
  };
}
