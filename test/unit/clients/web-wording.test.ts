import { countText, describeAccess, entryKind, moment, problemText } from '../../../clients/web/browser/wording';

/** What the example pages say, from the API's answers alone (decision 0069). */
describe('what the example pages tell people', () => {
  const periods = [
    { from: '2022-12-05T09:01:00.000Z', to: '2023-03-01T11:59:00.000Z' },
    { from: '2023-04-03T08:01:00.000Z', to: null },
  ];

  it('a patient who sees entries is told from when, and every stretch that is not shown, in UK time', () => {
    const { summary, gaps } = describeAccess(
      { state: 'VISIBLE', visibleFrom: periods[0]!.from, visiblePeriods: periods },
      'patient',
    );
    expect(summary).toMatch(/^You can see new entries added to your GP record from 5 December 2022\./);
    expect(gaps).toEqual([
      'Entries added before 5 December 2022 at 09:01 are not shown online.',
      // 3 April 2023 is in British Summer Time: 08:01 UTC is 09:01 in the UK.
      'Entries added from 1 March 2023 at 11:59 until 3 April 2023 at 09:01 are not shown online.',
    ]);
  });

  it('a period that ended is a gap too', () => {
    const { gaps } = describeAccess(
      { state: 'VISIBLE', visibleFrom: periods[0]!.from, visiblePeriods: [periods[0]!] },
      'clinician',
    );
    expect(gaps.at(-1)).toBe('Entries added after 1 March 2023 at 11:59 are not shown online.');
  });

  it('a paused practice is never described as not yet switched on, and an exclusion never says by whom to the patient', () => {
    const paused = describeAccess({ state: 'PRACTICE_PAUSED', visibleFrom: null, visiblePeriods: [] }, 'patient').summary;
    expect(paused).toContain('paused');
    expect(paused).not.toMatch(/not started|yet/);
    const excluded = describeAccess({ state: 'PATIENT_EXCLUDED', visibleFrom: null, visiblePeriods: [] }, 'patient').summary;
    expect(excluded).not.toMatch(/clinician|excluded|choice/i);
  });

  it('a state the page does not know shows nothing and says so', () => {
    expect(describeAccess({ state: 'SOMETHING_NEW', visibleFrom: null, visiblePeriods: periods }, 'patient')).toEqual({
      summary: 'Your record cannot be shown online right now.',
      gaps: [],
    });
  });

  it('errors say what to do, with the reference to quote', () => {
    const error = { message: 'x', path: null, retryAfterSeconds: null, requestId: 'req-1' };
    expect(problemText({ ...error, code: 'UNAUTHENTICATED' }, 'patient')).toBe(
      'Your sign-in is not valid or has expired. Sign in again. (Reference: req-1)',
    );
    expect(problemText({ ...error, code: 'RATE_LIMITED', retryAfterSeconds: 3 }, 'patient')).toContain('in 3 seconds');
    expect(problemText({ ...error, code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 }, 'patient')).toContain('in 1 second.');
    expect(problemText({ ...error, code: 'SERVICE_UNAVAILABLE' }, 'patient')).toContain('Try again shortly.');
    expect(problemText({ ...error, code: 'SERVICE_UNAVAILABLE', requestId: null }, 'patient')).toBe(
      'The service is busy. Try again shortly.',
    );
    expect(problemText({ ...error, code: 'NEW_CODE', requestId: null }, 'clinician')).toBe(
      'Something went wrong on our side. Try again later.',
    );
  });

  it('counts and kinds read as plain words', () => {
    expect(countText(3, 5)).toBe('Showing 3 of 5 entries.');
    expect(countText(1, 1)).toBe('Showing all 1 entry.');
    expect(countText(0, 0)).toBe('There are no entries to show.');
    expect(entryKind('CLINICAL_LETTER')).toBe('Letter');
    expect(entryKind('SOMETHING_ELSE')).toBe('Other entry');
    expect(moment('2023-06-01T11:00:00.000Z')).toBe('1 June 2023 at 12:00');
  });
});
