/**
 * Milliseconds of an instant, or NaN for an Invalid Date (or a non-Date from an untyped
 * caller). Every comparison with NaN is false, so a rule written as "visible only if
 * t >= x" fails closed on bad data without a special case.
 */
export const instantOf = (value: unknown): number => (value instanceof Date ? value.getTime() : NaN);

/** True for a Date that holds a real instant (not `new Date('nonsense')`). */
export const isValidInstant = (value: unknown): value is Date => !Number.isNaN(instantOf(value));
