import { GraphQLScalarType, Kind } from 'graphql';
import { invalidInput } from './errors';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;
const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses an ISO-8601 instant with an explicit offset; anything else is BAD_USER_INPUT. */
export function parseInstant(value: unknown): Date {
  if (typeof value !== 'string' || !INSTANT.test(value)) {
    throw invalidInput('DateTime must be an ISO-8601 instant with an offset, e.g. 2022-12-05T09:30:00.000Z');
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw invalidInput('DateTime is not a real instant');
  return date;
}

/** Strict YYYY-MM-DD that names a real calendar day. */
export function parseCalendarDay(value: unknown): string {
  const match = typeof value === 'string' ? CALENDAR_DATE.exec(value) : null;
  if (!match) throw invalidInput('Date must be a calendar date, e.g. 2006-05-17');
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) {
    throw invalidInput('Date is not a real calendar day');
  }
  return value as string;
}

/** DateTime: always serialised in UTC with milliseconds, e.g. 2022-12-05T09:30:00.000Z. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant in UTC, ISO-8601 with milliseconds: 2022-12-05T09:30:00.000Z.',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(value as string);
    if (Number.isNaN(date.getTime())) throw new TypeError('DateTime cannot represent an invalid date');
    return date.toISOString();
  },
  parseValue: parseInstant,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw invalidInput('DateTime must be a string');
    return parseInstant(ast.value);
  },
});

/** Date: a calendar date, YYYY-MM-DD, kept as a string (no time zone to get wrong). */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date, ISO-8601: 2006-05-17.',
  serialize(value) {
    return parseCalendarDay(value);
  },
  parseValue: parseCalendarDay,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw invalidInput('Date must be a string');
    return parseCalendarDay(ast.value);
  },
});
