/**
 * Calendar days in England: strict YYYY-MM-DD parsing and the instant a London day starts.
 * Shared by the age rule (records) and practice opening and closing dates (rollout figures).
 */
/** A day of the Gregorian calendar. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const YYYY_MM_DD = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

export const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/** Strict YYYY-MM-DD naming a real day (no 2023-02-29, no year 0000); null otherwise. */
export function parseCalendarDate(value: string): CalendarDate | null {
  const match = typeof value === 'string' ? YYYY_MM_DD.exec(value) : null;
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

// Built once at load: a runtime without the Europe/London zone fails loudly here, never quietly.
const londonClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** Milliseconds of the UTC instant whose UTC fields equal the given wall-clock fields. */
function wallClockMs(d: CalendarDate, hour = 0, minute = 0, second = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(d.year, d.month - 1, d.day); // not Date.UTC: that maps years 0-99 to 1900-1999
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

/** London's offset from UTC at an instant, in milliseconds (BST: +3 600 000). */
function londonOffsetMs(ms: number): number {
  const parts = londonClock.formatToParts(new Date(ms));
  const part = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? NaN);
  const wall = { year: part('year'), month: part('month'), day: part('day') };
  return wallClockMs(wall, part('hour'), part('minute'), part('second')) - Math.floor(ms / 1000) * 1000;
}

/** Midnight at the start of a London calendar day, worked out from the clock (see londonMidnight). */
function londonMidnightMs(day: CalendarDate): number | null {
  const asIfUtc = wallClockMs(day);
  let ms = asIfUtc - londonOffsetMs(asIfUtc);
  ms = asIfUtc - londonOffsetMs(ms);
  return !Number.isNaN(ms) && londonOffsetMs(ms) === asIfUtc - ms ? ms : null;
}

/** How many days each memory of midnights keeps (emptied when full). */
const MAX_REMEMBERED_DAYS = 100_000;

/** Days already worked out, by yyyymmdd; only plain day numbers are kept (years 1 to 99,999). */
const midnightsByDay = new Map<number, number | null>();

function dayNumber({ year, month, day }: CalendarDate): number | null {
  const whole = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;
  return whole(year, 1, 99_999) && whole(month, 1, 12) && whole(day, 1, 31) ? (year * 100 + month) * 100 + day : null;
}

/**
 * Midnight at the start of a London calendar day. Clocks in the UK change at 01:00 UTC, never
 * at midnight, so the day's midnight exists and is unique; two steps settle the offset, and the
 * result is checked against the clock (null, so "not 16", if it ever does not read 00:00:00).
 * Remembered by day, like londonDayStartMs: the age rule asks it for every entry of a page.
 */
export function londonMidnight(day: CalendarDate): Date | null {
  const key = dayNumber(day);
  let ms = key === null ? undefined : midnightsByDay.get(key);
  if (ms === undefined) {
    ms = londonMidnightMs(day);
    if (key !== null) {
      if (midnightsByDay.size >= MAX_REMEMBERED_DAYS) midnightsByDay.clear();
      midnightsByDay.set(key, ms);
    }
  }
  return ms === null ? null : new Date(ms);
}

/**
 * London midnights already worked out, by YYYY-MM-DD. The answer for a day never changes, and
 * asking the clock costs microseconds: a national figure reads two dates for each of 6,500
 * practices on every request. Only real days are kept (ten characters each), at most 100,000
 * (emptied when full).
 */
const midnights = new Map<string, number | null>();

/** Milliseconds of midnight at the start of a London day given as YYYY-MM-DD; null for anything else. */
export function londonDayStartMs(value: string): number | null {
  let ms = midnights.get(value);
  if (ms === undefined) {
    const day = parseCalendarDate(value);
    if (day === null) return null;
    ms = londonMidnight(day)?.getTime() ?? null;
    if (midnights.size >= MAX_REMEMBERED_DAYS) midnights.clear();
    midnights.set(value, ms);
  }
  return ms;
}

/** Midnight at the start of a London day given as YYYY-MM-DD; null for anything else. */
export function startOfLondonDay(value: string): Date | null {
  const ms = londonDayStartMs(value);
  return ms === null ? null : new Date(ms);
}
