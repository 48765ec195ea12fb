import { isLeapYear, londonMidnight, parseCalendarDate } from '../../runtime/london-day';

export { parseCalendarDate, type CalendarDate } from '../../runtime/london-day';

/**
 * The instant automatic access becomes possible by age: midnight in England (Europe/London,
 * so 23:00 UTC the day before while British Summer Time is in force) on the 16th birthday.
 * Age is reached at the start of the anniversary (Family Law Reform Act 1969 s.9); someone
 * born on 29 February turns 16 on 1 March when the 16th anniversary is not a leap year.
 * Null for a malformed date of birth, which the rules read as "not 16".
 */
export function sixteenthBirthday(dateOfBirth: string): Date | null {
  const born = parseCalendarDate(dateOfBirth);
  if (born === null) return null;
  const year = born.year + 16;
  const leapDayInCommonYear = born.month === 2 && born.day === 29 && !isLeapYear(year);
  return londonMidnight(leapDayInCommonYear ? { year, month: 3, day: 1 } : { year, month: born.month, day: born.day });
}
