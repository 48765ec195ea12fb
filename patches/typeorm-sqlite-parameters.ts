import type { DataSource } from 'typeorm';
import { requireWrittenFor, type WrittenFor } from './version-guard';

export const WRITTEN_FOR: WrittenFor = { library: 'typeorm', from: '1.1.0', below: '1.2.0' };
requireWrittenFor('typeorm-sqlite-parameters', WRITTEN_FOR);

/**
 * TypeORM's SQLite drivers write a number parameter into the SQL text as a literal
 * (`available_at <= 1795573243688`), so a statement that holds an instant (every patient view
 * holds "now") has new text on every request. better-sqlite3 then compiles it again (TypeORM
 * keeps compiled statements by their text), and the stream of one-off texts pushes the steady
 * statements (a patient by NHS number) out of that cache, so they are compiled again too, and
 * every patient view pays for compiling SQL (bench/README.md, "What made the page cheaper").
 *
 * This binds every safe integer as a parameter instead, as a BigInt, which better-sqlite3 binds
 * as an SQLite INTEGER: exactly what the literal was (a JavaScript number would be bound as a
 * REAL, and stored as '5.0' in a text column). Anything else (a fraction, NaN, an infinity) is
 * left to TypeORM, which writes it as before. PostgreSQL binds every parameter already.
 */
export function bindIntegersAsParameters(dataSource: DataSource): void {
  if (dataSource.options.type !== 'better-sqlite3') return;
  const driver = dataSource.driver;
  const escape = driver.escapeQueryWithParameters.bind(driver);
  driver.escapeQueryWithParameters = (sql: string, parameters: Record<string, unknown>) => {
    if (!parameters) return escape(sql, parameters);
    const bound: Record<string, unknown> = {};
    for (const key of Object.keys(parameters)) {
      const value = parameters[key];
      bound[key] = typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : value;
    }
    return escape(sql, bound);
  };
}
