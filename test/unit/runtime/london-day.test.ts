import { londonMidnight, parseCalendarDate, startOfLondonDay } from '../../../subgraphs/runtime/london-day';

describe('startOfLondonDay', () => {
  it('is midnight in London: UTC midnight in winter, 23:00 UTC the day before in summer', () => {
    expect(startOfLondonDay('2024-01-15')?.toISOString()).toBe('2024-01-15T00:00:00.000Z');
    expect(startOfLondonDay('2024-07-01')?.toISOString()).toBe('2024-06-30T23:00:00.000Z');
  });

  it('knows the days the clocks change (01:00 UTC, never at midnight)', () => {
    expect(startOfLondonDay('2024-03-31')?.toISOString()).toBe('2024-03-31T00:00:00.000Z');
    expect(startOfLondonDay('2024-04-01')?.toISOString()).toBe('2024-03-31T23:00:00.000Z');
    expect(startOfLondonDay('2024-10-27')?.toISOString()).toBe('2024-10-26T23:00:00.000Z');
    expect(startOfLondonDay('2024-10-28')?.toISOString()).toBe('2024-10-28T00:00:00.000Z');
  });

  it.each(['2023-02-29', '2024-13-01', '0000-01-01', '2024-1-01', ' 2024-01-01', '', 'not a day'])(
    'refuses %j, every time it is asked',
    (value) => {
      expect(startOfLondonDay(value)).toBeNull();
      expect(startOfLondonDay(value)).toBeNull();
      expect(parseCalendarDate(value)).toBeNull();
    },
  );

  it('gives the same answer when asked again, in a Date of its own each time', () => {
    const first = startOfLondonDay('2019-08-05');
    expect(first?.toISOString()).toBe('2019-08-04T23:00:00.000Z');
    first?.setTime(0);
    const second = startOfLondonDay('2019-08-05');
    expect(second?.toISOString()).toBe('2019-08-04T23:00:00.000Z');
    expect(second).not.toBe(first);
  });

  it('stays right past the number of days it remembers', () => {
    const days: string[] = [];
    for (let year = 1800; year < 2100; year += 1) {
      for (let month = 1; month <= 12; month += 1) {
        for (let day = 1; day <= 28; day += 1) {
          days.push(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
        }
      }
    }
    expect(days.length).toBeGreaterThan(100_000);
    for (const value of days) startOfLondonDay(value);
    expect(startOfLondonDay('2024-07-01')?.toISOString()).toBe('2024-06-30T23:00:00.000Z');
    expect(startOfLondonDay('1800-01-01')?.toISOString()).toBe(new Date(Date.UTC(1800, 0, 1) + 75_000).toISOString());
  });
});

describe('londonMidnight (by calendar day, remembered: the age rule asks it for every entry)', () => {
  it('gives the same answer when asked again, in a Date of its own each time, across the clock change', () => {
    for (const [day, expected] of [
      [{ year: 2024, month: 3, day: 31 }, '2024-03-31T00:00:00.000Z'],
      [{ year: 2024, month: 4, day: 1 }, '2024-03-31T23:00:00.000Z'],
      [{ year: 2024, month: 10, day: 27 }, '2024-10-26T23:00:00.000Z'],
    ] as const) {
      const first = londonMidnight(day);
      expect(first?.toISOString()).toBe(expected);
      first?.setTime(0);
      const second = londonMidnight(day);
      expect(second?.toISOString()).toBe(expected);
      expect(second).not.toBe(first);
    }
  });

  it('answers days that are not plain day numbers from the clock, as before, without mixing them up with plain days', () => {
    // 30 February rolls over to 1 March, as Date does; a fraction of a day is cut, as Date cuts it.
    expect(londonMidnight({ year: 2040, month: 2, day: 30 })?.toISOString()).toBe('2040-03-01T00:00:00.000Z');
    for (let i = 0; i < 2; i += 1) {
      expect(londonMidnight({ year: 2040, month: 2, day: 1.5 })?.toISOString()).toBe('2040-02-01T00:00:00.000Z');
      expect(londonMidnight({ year: 2040, month: 7, day: 1.5 })?.toISOString()).toBe('2040-06-30T23:00:00.000Z');
    }
    expect(londonMidnight({ year: 2040, month: 3, day: 1 })?.toISOString()).toBe('2040-03-01T00:00:00.000Z');
  });
});
