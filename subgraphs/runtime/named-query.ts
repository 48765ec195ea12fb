import type { DataSource } from 'typeorm';

/** Named parameters of a statement (`:name`, and `:...name` for a list). */
export type Params = Record<string, unknown>;

/**
 * Runs hand-written SQL with named parameters, bound by the driver (`?` on SQLite, `$n` on
 * PostgreSQL), and returns the raw rows. For the hot reads (a patient by NHS number, a
 * practice's history): the statement is a constant text, so it costs neither TypeORM's query
 * building and entity hydration nor, on SQLite, a compilation after the first (see
 * sqlite-parameters.ts). The caller maps the raw rows (bigint columns arrive as strings from
 * PostgreSQL, booleans as 0/1 from SQLite).
 */
export function namedQuery<T = Record<string, unknown>>(dataSource: DataSource, sql: string, params: Params): Promise<T[]> {
  const [text, values] = dataSource.driver.escapeQueryWithParameters(sql, params);
  return dataSource.query<T[]>(text, values);
}

/** A text column as the driver returned it; anything else means the row is not what we stored. */
export function rawText(value: unknown): string {
  if (typeof value !== 'string') throw new TypeError('Unexpected value in a text column');
  return value;
}
