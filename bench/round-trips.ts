import { Client } from 'pg';

/**
 * Counts round trips to PostgreSQL at the driver: every `query` a pg Client sends (TypeORM's
 * statements and its BEGIN and COMMIT alike) is one exchange with the server, counted by the
 * database it went to. For the in-process measurements of request-costs.ts only; `stop()`
 * puts the driver back as it was.
 */
export function countRoundTrips(): { byDatabase(): Record<string, number>; stop(): void } {
  const counts: Record<string, number> = {};
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const original = Client.prototype.query;
  const patched = function (this: Client & { database?: string }, ...args: unknown[]) {
    const database = this.database ?? '';
    counts[database] = (counts[database] ?? 0) + 1;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
  Client.prototype.query = patched as typeof Client.prototype.query;
  return {
    byDatabase: () => ({ ...counts }),
    stop: () => {
      if (Client.prototype.query === (patched as typeof Client.prototype.query)) Client.prototype.query = original;
    },
  };
}
