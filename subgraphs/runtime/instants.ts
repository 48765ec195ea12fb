import type { ValueTransformer } from 'typeorm';

/**
 * Instants are stored as UTC milliseconds since the epoch (a BIGINT column) on SQLite and
 * PostgreSQL alike: one representation, exact to the millisecond, compared as integers,
 * with no driver time-zone conversion to get wrong. DATE values (dates of birth) are
 * stored as YYYY-MM-DD text.
 */
/**
 * An instant as the database returned it: a number, or a string of digits from PostgreSQL's
 * bigint; null stays null. Anything else means the row is not what we stored, and is an error,
 * never a guess (an empty or null value read as a number would be 1970, before every switch-on).
 * Used by the entity columns and by the hand-written reads (named-query.ts) alike.
 */
export function fromStoredInstant(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  const ms = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : NaN;
  const instant = new Date(ms);
  if (Number.isNaN(instant.getTime())) throw new TypeError('Unexpected value in an instant column');
  return instant;
}

/** The same for a column that is never null: a null there is an error too. */
export function fromRequiredInstant(value: unknown): Date {
  const instant = fromStoredInstant(value);
  if (!instant) throw new TypeError('Unexpected null in an instant column');
  return instant;
}

export const instantTransformer: ValueTransformer = {
  to(value: Date | null | undefined): number | null | undefined {
    if (value === undefined || value === null) return value;
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new TypeError('Refusing to store an invalid instant');
    return ms;
  },
  from: fromStoredInstant,
};

export const instantColumn = { type: 'bigint', transformer: instantTransformer } as const;
export const nullableInstantColumn = { ...instantColumn, nullable: true } as const;

/** For query builder parameters: the stored form of an instant. */
export const toStoredInstant = (instant: Date): number => instant.getTime();
