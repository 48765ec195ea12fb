import type { Client } from 'pg';

/**
 * How many statement texts a process prepares, and the longest it prepares. The hot statements
 * (a patient, their exclusions, a page, a practice's history, an access-log row) are short and
 * few; a batch's long text (a UNION of many pages, an insert of many rows) stays unprepared, so
 * no connection keeps large plans for statements it may never run again.
 */
export const PREPARED_LIMITS = { texts: 128, maxLength: 4096 };

/**
 * Names for statement texts, given out once per text for the life of the process, so each
 * connection prepares a text once and later runs it by name: PostgreSQL then neither parses
 * nor plans it again (over half of the server's CPU for a patient's lookup, two thirds for a
 * page, measured at national size: decision 0093). Texts past the limits get no name and run
 * as before.
 */
export class PreparedNames {
  private readonly names = new Map<string, string>();

  constructor(private readonly limits = PREPARED_LIMITS) {}

  nameOf(text: string): string | undefined {
    const known = this.names.get(text);
    if (known !== undefined || text.length > this.limits.maxLength || this.names.size >= this.limits.texts) return known;
    const name = `cas_${this.names.size}`;
    this.names.set(text, name);
    return name;
  }

  get size(): number {
    return this.names.size;
  }
}

type Query = (...args: unknown[]) => unknown;

/**
 * A pg Client that runs each parameterised statement TypeORM hands it (a text and its values,
 * no callback) as a named prepared statement. Everything else (BEGIN, COMMIT, a callback, a
 * config object) goes through unchanged. The driver prepares a name on a connection the first
 * time it is used there, and again on a new connection; the round trip is the same one.
 */
export function preparingClient(Base: typeof Client, names: PreparedNames): typeof Client {
  return class extends Base {
    override query(...args: unknown[]): never {
      const [text, values, callback] = args;
      const run = super.query.bind(this) as unknown as Query;
      if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined) {
        const name = names.nameOf(text);
        if (name !== undefined) return run({ name, text, values }) as never;
      }
      return run(...args) as never;
    }
  };
}
