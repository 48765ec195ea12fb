/**
 * How the report writes figures and days. Fixed English forms, not the machine's locale, so the
 * same data gives the same file anywhere.
 */
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAY_MS = 86_400_000;

export const formatCount = (count: number): string => String(Math.round(count)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** A share as a percentage with one decimal; a dash when there is nothing to share. */
export const formatPercent = (part: number, whole: number): string =>
  whole === 0 ? '—' : `${((part / whole) * 100).toFixed(1)}%`;

/**
 * The calendar day (UTC) an instant reports on. An instant at exactly midnight is the end of
 * the day before: `--asOf 2024-06-01` asks for 2024-06-02T00:00:00.000Z, and that is 1 June.
 */
export function reportDay(at: string): Date {
  const ms = Date.parse(at);
  const midnight = ms % DAY_MS === 0;
  const day = new Date(midnight ? ms - DAY_MS : ms);
  return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()));
}

/** "5 Jun" */
export const formatShortDay = (day: Date): string => `${day.getUTCDate()} ${MONTHS[day.getUTCMonth()]!.slice(0, 3)}`;

/** "5 June 2024" */
export const formatLongDay = (day: Date): string => `${day.getUTCDate()} ${MONTHS[day.getUTCMonth()]!} ${day.getUTCFullYear()}`;

/** "the end of 1 June 2024" for a midnight, else "1 June 2024 at 14:05 UTC". */
export function describeInstant(at: string): string {
  const ms = Date.parse(at);
  if (ms % DAY_MS === 0) return `the end of ${formatLongDay(reportDay(at))}`;
  return `${formatLongDay(reportDay(at))} at ${new Date(ms).toISOString().slice(11, 16)} UTC`;
}
