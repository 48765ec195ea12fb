import type { ValueTransformer } from 'typeorm';

/**
 * Instants are stored as UTC milliseconds since the epoch (a BIGINT column) on SQLite and
 * PostgreSQL alike: one representation, exact to the millisecond, compared as integers,
 * with no driver time-zone conversion to get wrong. DATE values (dates of birth) are
 * stored as YYYY-MM-DD text.
 */
export const instantTransformer: ValueTransformer = {
  to(value: Date | null | undefined): number | null | undefined {
    if (value === undefined || value === null) return value;
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new TypeError('Refusing to store an invalid instant');
    return ms;
  },
  from(value: string | number | null): Date | null {
    return value === null || value === undefined ? null : new Date(Number(value));
  },
};

export const instantColumn = { type: 'bigint', transformer: instantTransformer } as const;
export const nullableInstantColumn = { ...instantColumn, nullable: true } as const;

/** For query builder parameters: the stored form of an instant. */
export const toStoredInstant = (instant: Date): number => instant.getTime();
