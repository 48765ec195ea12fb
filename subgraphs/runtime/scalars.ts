import { GraphQLScalarType, Kind } from 'graphql';
import { invalidInput } from '../../platform/errors';

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;
const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether year-month-day names a day of the calendar (no 30 February, no month 13). */
export const isRealDay = (year: number, month: number, day: number): boolean => {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
};

/**
 * Parses an ISO-8601 instant with an explicit offset, field by field: `new Date` alone would
 * quietly turn 30 February into 2 March and book a switch-on nobody asked for. A day, hour,
 * minute, second or offset out of range is BAD_USER_INPUT (no leap seconds).
 */
export function parseInstant(value: unknown): Date {
  const match = typeof value === 'string' ? INSTANT.exec(value) : null;
  if (!match) throw invalidInput('DateTime must be an ISO-8601 instant with an offset, e.g. 2022-12-05T09:30:00.000Z');
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millisecond = Number((match[7] ?? '0').padEnd(3, '0'));
  const offsetMinutes = match[8] ? (match[8] === '-' ? -1 : 1) * (Number(match[9]) * 60 + Number(match[10])) : 0;
  const validOffset = !match[8] || (Number(match[9]) <= 14 && Number(match[10]) < 60);
  if (!isRealDay(year, month, day) || hour > 23 || minute > 59 || second > 59 || !validOffset) {
    throw invalidInput('DateTime is not a real instant');
  }
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millisecond) - offsetMinutes * 60_000);
}

/** Strict YYYY-MM-DD that names a real calendar day. */
export function parseCalendarDay(value: unknown): string {
  const match = typeof value === 'string' ? CALENDAR_DATE.exec(value) : null;
  if (!match) throw invalidInput('Date must be a calendar date, e.g. 2006-05-17');
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  if (!isRealDay(y, m, d)) throw invalidInput('Date is not a real calendar day');
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
