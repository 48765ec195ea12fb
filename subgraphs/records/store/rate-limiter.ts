import type { DataSource } from 'typeorm';

/** How fast each app may call: `perSecond` on average, `burst` at once. */
export interface RateLimitPolicy {
  perSecond: number;
  burst: number;
}

/**
 * A token bucket per app, kept in the records database, so every gateway process and every
 * records instance that shares the database shares the bucket. One atomic UPDATE refills the
 * bucket for the time passed (capped at the burst) and takes a token only if one is there; the
 * database serialises concurrent takes on the same row, so the allowed count is exact.
 */
export class RateLimiter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: RateLimitPolicy,
  ) {}

  /** True if the app may make this request now (a token was taken); false: rate limited. */
  async take(clientId: string, now: Date): Promise<boolean> {
    if ((await this.takeFromBucket(clientId, now)) || (await this.openBucket(clientId, now))) return true;
    // Another request opened the bucket between our two statements: try it once more.
    return this.takeFromBucket(clientId, now);
  }

  private get postgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  private async takeFromBucket(clientId: string, now: Date): Promise<boolean> {
    const { perSecond, burst } = this.policy;
    const ms = now.getTime();
    const sql = this.postgres
      ? `UPDATE app_rate_limit
           SET tokens = LEAST($2::float8, tokens + GREATEST(0, $3::bigint - refilled_at) * $4::float8 / 1000.0) - 1,
               refilled_at = GREATEST(refilled_at, $3::bigint)
         WHERE client_id = $1
           AND LEAST($2::float8, tokens + GREATEST(0, $3::bigint - refilled_at) * $4::float8 / 1000.0) >= 1
         RETURNING tokens`
      : `UPDATE app_rate_limit
           SET tokens = MIN(?, tokens + MAX(0, ? - refilled_at) * ? / 1000.0) - 1,
               refilled_at = MAX(refilled_at, ?)
         WHERE client_id = ?
           AND MIN(?, tokens + MAX(0, ? - refilled_at) * ? / 1000.0) >= 1
         RETURNING tokens`;
    const params = this.postgres ? [clientId, burst, ms, perSecond] : [burst, ms, perSecond, ms, clientId, burst, ms, perSecond];
    return (await this.rowsOf(sql, params)) === 1;
  }

  /** The app's first request: a full bucket, less this request's token. False if it exists already. */
  private async openBucket(clientId: string, now: Date): Promise<boolean> {
    const sql = this.postgres
      ? 'INSERT INTO app_rate_limit (client_id, tokens, refilled_at) VALUES ($1, $2, $3) ON CONFLICT (client_id) DO NOTHING RETURNING tokens'
      : 'INSERT INTO app_rate_limit (client_id, tokens, refilled_at) VALUES (?, ?, ?) ON CONFLICT (client_id) DO NOTHING RETURNING tokens';
    return (await this.rowsOf(sql, [clientId, this.policy.burst - 1, now.getTime()])) === 1;
  }

  private async rowsOf(sql: string, params: unknown[]): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const result = await runner.query(sql, params, true);
      return result.records.length;
    } finally {
      await runner.release();
    }
  }
}
