import { parsePracticeAccess } from '../../../subgraphs/records/domain/practice-access';
import { instant } from './record-builders';

const now = instant('2023-06-01T12:00');
const SWITCH_ON = '2023-02-01T00:00:00.000Z';
const PAUSE = '2023-03-01T09:30:00.000Z';
const RESUME = '2023-04-01T08:00:00.000Z';

describe('reading a practice’s access as it arrives through federation', () => {
  it.each([
    ['never scheduled', { accessStatus: 'NOT_SCHEDULED', accessPeriods: [] }, { status: 'NOT_SCHEDULED', periods: [] }],
    ['scheduled, never on', { accessStatus: 'SCHEDULED', accessPeriods: [] }, { status: 'SCHEDULED', periods: [] }],
    [
      'enabled since switch-on',
      { accessStatus: 'ENABLED', accessPeriods: [{ from: SWITCH_ON, to: null }] },
      { status: 'ENABLED', periods: [{ from: instant(SWITCH_ON), to: null }] },
    ],
    [
      'paused after switch-on',
      { accessStatus: 'PAUSED', accessPeriods: [{ from: SWITCH_ON, to: PAUSE }] },
      { status: 'PAUSED', periods: [{ from: instant(SWITCH_ON), to: instant(PAUSE) }] },
    ],
    [
      'resumed after a pause',
      {
        accessStatus: 'ENABLED',
        accessPeriods: [
          { from: SWITCH_ON, to: PAUSE },
          { from: RESUME, to: null },
        ],
      },
      {
        status: 'ENABLED',
        periods: [
          { from: instant(SWITCH_ON), to: instant(PAUSE) },
          { from: instant(RESUME), to: null },
        ],
      },
    ],
    [
      'resumed at the very instant of the pause (periods touch)',
      {
        accessStatus: 'ENABLED',
        accessPeriods: [
          { from: SWITCH_ON, to: PAUSE },
          { from: PAUSE, to: null },
        ],
      },
      {
        status: 'ENABLED',
        periods: [
          { from: instant(SWITCH_ON), to: instant(PAUSE) },
          { from: instant(PAUSE), to: null },
        ],
      },
    ],
    [
      'scheduled again after a pause (resume with a future switch-on)',
      { accessStatus: 'SCHEDULED', accessPeriods: [{ from: SWITCH_ON, to: PAUSE }] },
      { status: 'SCHEDULED', periods: [{ from: instant(SWITCH_ON), to: instant(PAUSE) }] },
    ],
    [
      'instants given as Date objects',
      { accessStatus: 'ENABLED', accessPeriods: [{ from: instant(SWITCH_ON), to: null }] },
      { status: 'ENABLED', periods: [{ from: instant(SWITCH_ON), to: null }] },
    ],
    [
      'switched on exactly now',
      { accessStatus: 'ENABLED', accessPeriods: [{ from: now.toISOString(), to: null }] },
      { status: 'ENABLED', periods: [{ from: now, to: null }] },
    ],
    [
      'with extra fields such as __typename',
      {
        __typename: 'Practice',
        odsCode: 'A81001',
        accessStatus: 'ENABLED',
        accessPeriods: [{ __typename: 'AccessPeriod', from: SWITCH_ON, to: null }],
      },
      { status: 'ENABLED', periods: [{ from: instant(SWITCH_ON), to: null }] },
    ],
  ])('a well-formed practice, %s, parses', (_name, raw, expected) => {
    expect(parsePracticeAccess(raw, now)).toEqual(expected);
  });

  const enabled = (accessPeriods: unknown) => ({ accessStatus: 'ENABLED', accessPeriods });
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'ENABLED'],
    ['an array', [{ accessStatus: 'ENABLED', accessPeriods: [] }]],
    ['no status', { accessPeriods: [] }],
    ['a null status', { accessStatus: null, accessPeriods: [] }],
    ['an unknown status', { accessStatus: 'DISABLED', accessPeriods: [] }],
    ['a status in the wrong case', { accessStatus: 'enabled', accessPeriods: [{ from: SWITCH_ON, to: null }] }],
    ['no periods field', { accessStatus: 'NOT_SCHEDULED' }],
    ['null periods', { accessStatus: 'NOT_SCHEDULED', accessPeriods: null }],
    ['periods not an array', { accessStatus: 'NOT_SCHEDULED', accessPeriods: {} }],
    ['a period that is null', enabled([null])],
    ['a period without `to`', enabled([{ from: SWITCH_ON }])],
    ['a period without `from`', enabled([{ to: null }])],
    ['a null `from`', enabled([{ from: null, to: null }])],
    ['an instant without milliseconds', enabled([{ from: '2023-02-01T00:00:00Z', to: null }])],
    ['an instant with an offset instead of Z', enabled([{ from: '2023-02-01T00:00:00.000+00:00', to: null }])],
    ['a date instead of an instant', enabled([{ from: '2023-02-01', to: null }])],
    ['an impossible day', enabled([{ from: '2023-02-30T00:00:00.000Z', to: null }])],
    ['an impossible hour', enabled([{ from: '2023-02-01T24:00:00.000Z', to: null }])],
    ['an instant as a number', enabled([{ from: Date.parse(SWITCH_ON), to: null }])],
    ['an Invalid Date object', enabled([{ from: new Date('nonsense'), to: null }])],
    ['`to` before `from`', { accessStatus: 'PAUSED', accessPeriods: [{ from: PAUSE, to: SWITCH_ON }] }],
    ['`to` equal to `from` (an empty period)', { accessStatus: 'PAUSED', accessPeriods: [{ from: PAUSE, to: PAUSE }] }],
    [
      'periods out of order',
      enabled([
        { from: RESUME, to: null },
        { from: SWITCH_ON, to: PAUSE },
      ]),
    ],
    [
      'overlapping periods',
      enabled([
        { from: SWITCH_ON, to: RESUME },
        { from: PAUSE, to: null },
      ]),
    ],
    [
      'an open period that is not the last',
      {
        accessStatus: 'PAUSED',
        accessPeriods: [
          { from: SWITCH_ON, to: null },
          { from: RESUME, to: '2023-05-01T00:00:00.000Z' },
        ],
      },
    ],
    ['a period starting after now', enabled([{ from: '2023-06-01T12:00:00.001Z', to: null }])],
    [
      'a pause recorded after now',
      { accessStatus: 'PAUSED', accessPeriods: [{ from: SWITCH_ON, to: '2023-07-01T00:00:00.000Z' }] },
    ],
    ['ENABLED with no periods', enabled([])],
    ['ENABLED whose last period is closed', enabled([{ from: SWITCH_ON, to: PAUSE }])],
    ['PAUSED with an open period', { accessStatus: 'PAUSED', accessPeriods: [{ from: SWITCH_ON, to: null }] }],
    ['SCHEDULED with an open period', { accessStatus: 'SCHEDULED', accessPeriods: [{ from: SWITCH_ON, to: null }] }],
    ['NOT_SCHEDULED with a past period', { accessStatus: 'NOT_SCHEDULED', accessPeriods: [{ from: SWITCH_ON, to: PAUSE }] }],
  ])('malformed access is refused (null): %s', (_name, raw) => {
    expect(parsePracticeAccess(raw, now)).toBeNull();
  });

  it('accepts an instant up to the clock tolerance after now (rollout’s clock ahead), and not one more millisecond', () => {
    const ahead = (ms: number) => ({
      accessStatus: 'ENABLED',
      accessPeriods: [{ from: new Date(now.getTime() + ms).toISOString(), to: null }],
    });
    expect(parsePracticeAccess(ahead(1), now)).toBeNull();
    expect(parsePracticeAccess(ahead(60_000), now, 60_000)).not.toBeNull();
    expect(parsePracticeAccess(ahead(60_001), now, 60_000)).toBeNull();
    expect(parsePracticeAccess(ahead(0), now, -1)).toBeNull();
  });

  it('an invalid `now` refuses any access', () => {
    expect(parsePracticeAccess({ accessStatus: 'NOT_SCHEDULED', accessPeriods: [] }, new Date(NaN))).toBeNull();
  });

  it('the parsed periods are copies: changing the input afterwards changes nothing', () => {
    const from = instant(SWITCH_ON);
    const access = parsePracticeAccess({ accessStatus: 'ENABLED', accessPeriods: [{ from, to: null }] }, now);
    from.setTime(0);
    expect(access?.periods[0]?.from).toEqual(instant(SWITCH_ON));
  });
});
