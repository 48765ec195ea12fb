import { parseCalendarDay, parseInstant } from '../../../subgraphs/runtime/scalars';

describe('DateTime and Date inputs', () => {
  it.each([
    ['2022-12-05T09:30:00.000Z', '2022-12-05T09:30:00.000Z'],
    ['2022-12-05T09:30:00Z', '2022-12-05T09:30:00.000Z'],
    ['2022-12-05T09:30:00.5Z', '2022-12-05T09:30:00.500Z'],
    ['2023-06-01T08:00:00.000+01:00', '2023-06-01T07:00:00.000Z'],
    ['2023-06-01T00:30:00.000-05:30', '2023-06-01T06:00:00.000Z'],
    ['2024-02-29T12:00:00.000Z', '2024-02-29T12:00:00.000Z'],
  ])('reads %s as the instant %s', (input, expected) => {
    expect(parseInstant(input).toISOString()).toBe(expected);
  });

  it.each([
    '2025-02-30T09:00:00.000Z', // no such day: never rolled over into March
    '2025-02-29T09:00:00.000Z',
    '2025-04-31T09:00:00.000Z',
    '2023-13-01T00:00:00.000Z',
    '2023-01-01T24:00:00.000Z',
    '2023-01-01T12:60:00.000Z',
    '2023-01-01T12:00:60.000Z', // no leap seconds
    '2023-01-01T12:00:00.000+25:00',
    '2023-01-01T12:00:00.000', // no offset: ambiguous
    '2023-01-01',
    'tomorrow',
    '',
    1672531200000,
    null,
  ])('refuses %p with BAD_USER_INPUT', (input) => {
    expect(() => parseInstant(input)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    );
  });

  it.each(['2006-02-30', '2006-13-01', '17/05/2006', '2006-5-17', '2006-05-17T00:00:00Z'])('refuses the date %p', (input) => {
    expect(() => parseCalendarDay(input)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    );
  });

  it('accepts a real calendar day, 29 February in a leap year included', () => {
    expect(parseCalendarDay('2008-02-29')).toBe('2008-02-29');
  });
});
