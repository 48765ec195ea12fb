import type { DataSource } from 'typeorm';

/** How fast each app may call: `perSecond` on average, `burst` at once. */
export interface RateLimitPolicy {
  perSecond: number;
  burst: number;
}

/**
 * An app's limits: the whole app's bucket, and each patient's own bucket within it. Without
 * `perPatient` each patient's bucket is as large as the app's (only the app's ceiling binds).
 */
export interface AppRateLimits extends RateLimitPolicy {
  perPatient?: RateLimitPolicy;
}

/** Taken, or refused with the whole seconds until the bucket that refused holds a token again. */
export type RateLimitDecision = { ok: true } | { ok: false; bucket: 'patient' | 'app'; retryAfterSeconds: number };

/** One kind of bucket: its table, the columns that key a row, and its policy. */
interface Bucket {
  table: 'app_rate_limit' | 'app_patient_rate_limit';
  keys: readonly string[];
  policy: RateLimitPolicy;
}

/**
 * Token buckets kept in the records database, so every gateway process and every records
 * instance that shares the database shares them: one per app, and one per (app, patient). One
 * atomic UPDATE refills a bucket for the time passed (capped at the burst) and takes a token
 * only if one is there; the database serialises concurrent takes on the same row, so the
 * allowed count is exact.
 */
export class RateLimiter {
  private readonly app: Bucket;
  private readonly patient: Bucket;

  constructor(
    private readonly dataSource: DataSource,
    limits: AppRateLimits,
  ) {
    this.app = { table: 'app_rate_limit', keys: ['client_id'], policy: limits };
    this.patient = {
      table: 'app_patient_rate_limit',
      keys: ['client_id', 'nhs_number'],
      policy: limits.perPatient ?? limits,
    };
  }

  /**
   * Whether the app may make this request for this patient now. The patient's bucket is taken
   * from first, so a patient over their own limit never drains the app's bucket that the app's
   * other patients share.
   */
  async take(clientId: string, nhsNumber: string, now: Date): Promise<RateLimitDecision> {
    for (const [name, bucket, key] of [
      ['patient', this.patient, [clientId, nhsNumber]],
      ['app', this.app, [clientId]],
    ] as const) {
      if (!(await this.takeFrom(bucket, key, now))) {
        return { ok: false, bucket: name, retryAfterSeconds: await this.retryAfter(bucket, key, now) };
      }
    }
    return { ok: true };
  }

  private get postgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  private async takeFrom(bucket: Bucket, key: readonly string[], now: Date): Promise<boolean> {
    if ((await this.takeFromBucket(bucket, key, now)) || (await this.openBucket(bucket, key, now))) return true;
    // Another request opened the bucket between our two statements: try it once more.
    return this.takeFromBucket(bucket, key, now);
  }

  /** `client_id = $1 AND nhs_number = $2`, numbered from `first` on PostgreSQL. */
  private where(bucket: Bucket, first: number): string {
    return bucket.keys.map((column, i) => `${column} = ${this.postgres ? `$${first + i}` : '?'}`).join(' AND ');
  }

  private async takeFromBucket(bucket: Bucket, key: readonly string[], now: Date): Promise<boolean> {
    const { perSecond, burst } = bucket.policy;
    const ms = now.getTime();
    const sql = this.postgres
      ? `UPDATE ${bucket.table}
           SET tokens = LEAST($1::float8, tokens + GREATEST(0, $2::bigint - refilled_at) * $3::float8 / 1000.0) - 1,
               refilled_at = GREATEST(refilled_at, $2::bigint)
         WHERE ${this.where(bucket, 4)}
           AND LEAST($1::float8, tokens + GREATEST(0, $2::bigint - refilled_at) * $3::float8 / 1000.0) >= 1
         RETURNING tokens`
      : `UPDATE ${bucket.table}
           SET tokens = MIN(?, tokens + MAX(0, ? - refilled_at) * ? / 1000.0) - 1,
               refilled_at = MAX(refilled_at, ?)
         WHERE ${this.where(bucket, 1)}
           AND MIN(?, tokens + MAX(0, ? - refilled_at) * ? / 1000.0) >= 1
         RETURNING tokens`;
    const params = this.postgres ? [burst, ms, perSecond, ...key] : [burst, ms, perSecond, ms, ...key, burst, ms, perSecond];
    return (await this.rowsOf(sql, params)).length === 1;
  }

  /** The first request of this key: a full bucket, less this request's token. False if it exists already. */
  private async openBucket(bucket: Bucket, key: readonly string[], now: Date): Promise<boolean> {
    const columns = [...bucket.keys, 'tokens', 'refilled_at'];
    const values = columns.map((_, i) => (this.postgres ? `$${i + 1}` : '?')).join(', ');
    const sql = `INSERT INTO ${bucket.table} (${columns.join(', ')}) VALUES (${values})
      ON CONFLICT (${bucket.keys.join(', ')}) DO NOTHING RETURNING tokens`;
    return (await this.rowsOf(sql, [...key, bucket.policy.burst - 1, now.getTime()])).length === 1;
  }

  /** Whole seconds until the bucket holds a token again (at least one: a client never retries at once). */
  private async retryAfter(bucket: Bucket, key: readonly string[], now: Date): Promise<number> {
    const sql = `SELECT tokens, refilled_at FROM ${bucket.table} WHERE ${this.where(bucket, 1)}`;
    const [row] = (await this.rowsOf(sql, [...key])) as { tokens: number | string; refilled_at: number | string }[];
    if (!row) return 1;
    const { perSecond, burst } = bucket.policy;
    const available = Math.min(
      burst,
      Number(row.tokens) + (Math.max(0, now.getTime() - Number(row.refilled_at)) * perSecond) / 1000,
    );
    return Math.max(1, Math.ceil((1 - available) / perSecond));
  }

  private async rowsOf(sql: string, params: unknown[]): Promise<unknown[]> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const result = await runner.query(sql, params, true);
      return result.records as unknown[];
    } finally {
      await runner.release();
    }
  }
}
