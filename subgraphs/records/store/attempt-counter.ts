import type { DataSource } from 'typeorm';

/**
 * Fixed-window counters of refused attempts, one row per key in the records database, so every
 * records instance sharing the database shares the count. One atomic upsert starts a new window
 * or adds one to the current one, and answers the count so far.
 */
export class AttemptCounter {
  constructor(private readonly dataSource: DataSource) {}

  private get postgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  /** Adds one attempt under `key` and answers how many the current window holds, this one included. */
  async add(key: string, now: Date, windowMs: number): Promise<number> {
    const ms = now.getTime();
    const sql = this.postgres
      ? `INSERT INTO attempt_counter (key, window_start, count) VALUES ($1, $2, 1)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN attempt_counter.window_start <= $2::bigint - $3::bigint THEN 1 ELSE attempt_counter.count + 1 END,
           window_start = CASE WHEN attempt_counter.window_start <= $2::bigint - $3::bigint THEN $2::bigint ELSE attempt_counter.window_start END
         RETURNING count`
      : `INSERT INTO attempt_counter (key, window_start, count) VALUES (?, ?, 1)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN window_start <= ? THEN 1 ELSE count + 1 END,
           window_start = CASE WHEN window_start <= ? THEN ? ELSE window_start END
         RETURNING count`;
    const params = this.postgres ? [key, ms, windowMs] : [key, ms, ms - windowMs, ms - windowMs, ms];
    const rows = await this.rows(sql, params);
    return Number(rows[0]?.count ?? Number.MAX_SAFE_INTEGER);
  }

  /** Gives back one attempt taken by `add` that turned out not to count (it succeeded). */
  async giveBack(key: string): Promise<void> {
    const sql = this.postgres
      ? 'UPDATE attempt_counter SET count = count - 1 WHERE key = $1 AND count > 0 RETURNING count'
      : 'UPDATE attempt_counter SET count = count - 1 WHERE key = ? AND count > 0 RETURNING count';
    await this.rows(sql, [key]);
  }

  private async rows(sql: string, params: unknown[]): Promise<Array<{ count: unknown }>> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const result = await runner.query(sql, params, true);
      return result.records as Array<{ count: unknown }>;
    } finally {
      await runner.release();
    }
  }
}
