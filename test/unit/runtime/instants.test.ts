import { fromRequiredInstant, fromStoredInstant, instantTransformer } from '../../../subgraphs/runtime/instants';

/**
 * Instants read back from the database: exactly what was stored, or an error. A value read
 * loosely as a number would turn null or '' into 1970, before every switch-on, which would show
 * a patient everything; so nothing but a number or a string of digits is an instant.
 */
describe('instants read from the database', () => {
  const at = Date.UTC(2023, 3, 3, 8, 0, 0, 1);

  it('reads a number (SQLite) and a string of digits (PostgreSQL bigint) to the millisecond', () => {
    expect(fromStoredInstant(at)?.toISOString()).toBe('2023-04-03T08:00:00.001Z');
    expect(fromStoredInstant(String(at))?.toISOString()).toBe('2023-04-03T08:00:00.001Z');
    expect(fromStoredInstant('-86400000')?.toISOString()).toBe('1969-12-31T00:00:00.000Z');
    expect(fromRequiredInstant(String(at)).getTime()).toBe(at);
  });

  it('keeps null as null where a column may be null', () => {
    expect(fromStoredInstant(null)).toBeNull();
    expect(fromStoredInstant(undefined)).toBeNull();
  });

  it.each([
    ['an empty string', ''],
    ['a word', 'soon'],
    ['a date string', '2023-04-03T08:00:00Z'],
    ['a decimal string', '1680508800000.5'],
    ['an exponent', '1.68e12'],
    ['NaN', NaN],
    ['an infinity', Infinity],
    ['a number past the last date', 8.64e15 + 1],
    ['a boolean', true],
    ['a Date object', new Date(at)],
  ])('refuses %s', (_, value) => {
    expect(() => fromStoredInstant(value)).toThrow('Unexpected value in an instant column');
    expect(() => fromRequiredInstant(value)).toThrow('Unexpected value in an instant column');
  });

  it('refuses null where a column is never null', () => {
    expect(() => fromRequiredInstant(null)).toThrow('Unexpected null in an instant column');
    expect(() => fromRequiredInstant(undefined)).toThrow('Unexpected null in an instant column');
  });

  it('is what the entity columns read with, and they store what they read', () => {
    expect(() => instantTransformer.from('')).toThrow('Unexpected value in an instant column');
    expect(instantTransformer.from(instantTransformer.to(new Date(at)))).toEqual(new Date(at));
    expect(instantTransformer.from(null)).toBeNull();
  });
});
