import { parseCalendarDate, sixteenthBirthday } from '../../../subgraphs/records/domain/sixteenth-birthday';

describe('a calendar date', () => {
  it('parses a strict YYYY-MM-DD that names a real day', () => {
    expect(parseCalendarDate('2006-05-17')).toEqual({ year: 2006, month: 5, day: 17 });
    expect(parseCalendarDate('2008-02-29')).toEqual({ year: 2008, month: 2, day: 29 });
    expect(parseCalendarDate('2000-02-29')).toEqual({ year: 2000, month: 2, day: 29 });
  });

  it.each([
    ['2007-02-29', 'no 29 February in a common year'],
    ['1900-02-29', 'no 29 February in a century year not divisible by 400'],
    ['2006-04-31', 'April has 30 days'],
    ['2006-13-01', 'there is no month 13'],
    ['2006-00-10', 'there is no month 0'],
    ['2006-05-00', 'there is no day 0'],
    ['0000-01-01', 'there is no year 0'],
    ['2006-5-17', 'the month needs two digits'],
    ['17/05/2006', 'it is not ISO-8601'],
    ['2006-05-17T00:00:00Z', 'it is an instant, not a date'],
    [' 2006-05-17', 'it has a leading space'],
    ['', 'it is empty'],
  ])('refuses %j: %s', (value) => {
    expect(parseCalendarDate(value)).toBeNull();
  });
});

describe('the 16th birthday is midnight in England at the start of the day', () => {
  it.each([
    ['2006-12-17', '2022-12-17T00:00:00.000Z', 'in winter (GMT) midnight is 00:00 UTC'],
    ['2006-05-17', '2022-05-16T23:00:00.000Z', 'in summer (BST) midnight is 23:00 UTC the day before'],
    ['2007-03-26', '2023-03-26T00:00:00.000Z', 'on the day clocks go forward, midnight is still GMT'],
    ['2007-10-29', '2023-10-28T23:00:00.000Z', 'on the day clocks go back, midnight is still BST'],
    ['2008-02-29', '2024-02-29T00:00:00.000Z', 'born 29 February, 16 years on is a leap year again'],
    ['2084-02-29', '2100-03-01T00:00:00.000Z', 'born 29 February 2084: 2100 is no leap year, so 1 March'],
    ['1884-02-29', '1900-03-01T00:00:00.000Z', 'born 29 February 1884: 1900 was no leap year, so 1 March'],
  ])('born %s: 16 at %s (%s)', (dateOfBirth, expected) => {
    expect(sixteenthBirthday(dateOfBirth)?.toISOString()).toBe(expected);
  });

  it.each(['2007-02-29', 'not a date', '', '2006-05-17 '])('a malformed date of birth %j has no 16th birthday', (dateOfBirth) => {
    expect(sixteenthBirthday(dateOfBirth)).toBeNull();
  });
});
