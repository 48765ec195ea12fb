import { onlineAccess } from '../../../subgraphs/records/domain/online-access';
import type { PracticeAccess } from '../../../subgraphs/records/domain/practice-access';
import { adult, enabledSince, excludedSince2000, exclusions, instant, period, plusMs } from './record-builders';

const switchOn = instant('2023-02-01T00:00');
const pausedAt = instant('2023-03-01T09:30');
const resumedAt = instant('2023-04-01T08:00');
const now = instant('2023-06-01T12:00');
const resumed: PracticeAccess = { status: 'ENABLED', periods: [period(switchOn, pausedAt), period(resumedAt)] };
const NO_TOLERANCE = 0;
const MINUTE = 60_000;
const nothingShown = { visibleFrom: null, visiblePeriods: [] };

describe('what a patient is told about their online access', () => {
  it('at a practice never scheduled: NOT_YET_SWITCHED_ON, nothing shown', () => {
    expect(onlineAccess(adult(), { status: 'NOT_SCHEDULED', periods: [] }, now, NO_TOLERANCE)).toEqual({
      state: 'NOT_YET_SWITCHED_ON',
      ...nothingShown,
    });
  });

  it('at a practice scheduled for its first switch-on: NOT_YET_SWITCHED_ON, nothing shown', () => {
    expect(onlineAccess(adult(), { status: 'SCHEDULED', periods: [] }, now, NO_TOLERANCE)).toEqual({
      state: 'NOT_YET_SWITCHED_ON',
      ...nothingShown,
    });
  });

  it('at a paused practice with a resume planned (SCHEDULED after a period): PRACTICE_PAUSED, never NOT_YET_SWITCHED_ON', () => {
    const planned: PracticeAccess = { status: 'SCHEDULED', periods: [period(switchOn, pausedAt)] };
    expect(onlineAccess(adult(), planned, now, NO_TOLERANCE)).toEqual({ state: 'PRACTICE_PAUSED', ...nothingShown });
  });

  it('at a paused practice: PRACTICE_PAUSED, even for an excluded child', () => {
    const patient = adult({ dateOfBirth: '2015-01-01', registeredAt: switchOn, exclusion: excludedSince2000() });
    expect(onlineAccess(patient, { status: 'PAUSED', periods: [period(switchOn, pausedAt)] }, now, NO_TOLERANCE)).toEqual({
      state: 'PRACTICE_PAUSED',
      ...nothingShown,
    });
  });

  it('an excluded patient at an enabled practice: PATIENT_EXCLUDED, checked before age', () => {
    const patient = adult({ dateOfBirth: '2015-01-01', exclusion: excludedSince2000() });
    expect(onlineAccess(patient, enabledSince(switchOn), now, NO_TOLERANCE)).toEqual({
      state: 'PATIENT_EXCLUDED',
      ...nothingShown,
    });
  });

  it('a patient under 16: UNDER_16, visible from the 16th birthday (London midnight)', () => {
    const birthday = instant('2023-08-09T23:00');
    expect(onlineAccess(adult({ dateOfBirth: '2007-08-10' }), enabledSince(switchOn), now, NO_TOLERANCE)).toEqual({
      state: 'UNDER_16',
      visibleFrom: birthday,
      visiblePeriods: [{ from: birthday, to: null }],
    });
  });

  it('a patient with a malformed date of birth: UNDER_16 with no date to promise', () => {
    expect(onlineAccess(adult({ dateOfBirth: '2007-13-01' }), enabledSince(switchOn), now, NO_TOLERANCE)).toEqual({
      state: 'UNDER_16',
      ...nothingShown,
    });
  });

  it('an adult registered before switch-on: VISIBLE from the switch-on', () => {
    expect(onlineAccess(adult(), enabledSince(switchOn), now, NO_TOLERANCE)).toEqual({
      state: 'VISIBLE',
      visibleFrom: switchOn,
      visiblePeriods: [{ from: switchOn, to: null }],
    });
  });

  it('after a resume: VISIBLE from the FIRST switch-on, with the pause as a gap between two periods', () => {
    expect(onlineAccess(adult(), resumed, now, NO_TOLERANCE)).toEqual({
      state: 'VISIBLE',
      visibleFrom: switchOn,
      visiblePeriods: [
        { from: switchOn, to: pausedAt },
        { from: resumedAt, to: null },
      ],
    });
  });

  it('the clock tolerance moves every switch-on, pause and resume boundary inwards', () => {
    expect(onlineAccess(adult(), resumed, now, 5 * MINUTE).visiblePeriods).toEqual([
      { from: plusMs(switchOn, 5 * MINUTE), to: plusMs(pausedAt, -5 * MINUTE) },
      { from: plusMs(resumedAt, 5 * MINUTE), to: null },
    ]);
  });

  it('a patient who registered after switch-on: VISIBLE from registration', () => {
    const registeredAt = instant('2023-05-02T14:20');
    expect(onlineAccess(adult({ registeredAt }), resumed, now, NO_TOLERANCE)).toEqual({
      state: 'VISIBLE',
      visibleFrom: registeredAt,
      visiblePeriods: [{ from: registeredAt, to: null }],
    });
  });

  it('a patient who turned 16 after switch-on: VISIBLE from the 16th birthday', () => {
    const birthday = instant('2023-05-16T23:00');
    expect(onlineAccess(adult({ dateOfBirth: '2007-05-17' }), enabledSince(switchOn), now, NO_TOLERANCE)).toEqual({
      state: 'VISIBLE',
      visibleFrom: birthday,
      visiblePeriods: [{ from: birthday, to: null }],
    });
  });

  it('an exclusion that was lifted is a gap: what became available meanwhile is never shown', () => {
    const excludedAt = instant('2023-02-10T10:00');
    const liftedAt = instant('2023-02-20T10:00');
    const patient = adult({ exclusion: exclusions(['EXCLUDED', excludedAt], ['EXCLUSION_LIFTED', liftedAt]) });
    expect(onlineAccess(patient, enabledSince(switchOn), now, NO_TOLERANCE)).toEqual({
      state: 'VISIBLE',
      visibleFrom: switchOn,
      visiblePeriods: [
        { from: switchOn, to: excludedAt },
        { from: plusMs(liftedAt, 1), to: null },
      ],
    });
  });

  it('a clinician’s lift does not end the patient’s own decline: still PATIENT_EXCLUDED', () => {
    const patient = adult({
      exclusion: exclusions(['ACCESS_DECLINED', instant('2023-02-10T10:00')], ['EXCLUSION_LIFTED', instant('2023-02-20T10:00')]),
    });
    expect(onlineAccess(patient, enabledSince(switchOn), now, NO_TOLERANCE).state).toBe('PATIENT_EXCLUDED');
  });

  it('at the very instant of the 16th birthday the patient is no longer UNDER_16', () => {
    const birthday = instant('2023-05-16T23:00');
    expect(onlineAccess(adult({ dateOfBirth: '2007-05-17' }), enabledSince(switchOn), birthday, NO_TOLERANCE).state).toBe(
      'VISIBLE',
    );
    expect(
      onlineAccess(adult({ dateOfBirth: '2007-05-17' }), enabledSince(switchOn), new Date(birthday.getTime() - 1), NO_TOLERANCE)
        .state,
    ).toBe('UNDER_16');
  });

  it('refuses access that parsing would have refused, invalid instants and a negative tolerance, rather than guess', () => {
    expect(() => onlineAccess(adult(), { status: 'ENABLED', periods: [] }, now, NO_TOLERANCE)).toThrow(RangeError);
    expect(() => onlineAccess(adult(), enabledSince(switchOn), new Date(NaN), NO_TOLERANCE)).toThrow(RangeError);
    expect(() => onlineAccess(adult({ registeredAt: new Date(NaN) }), enabledSince(switchOn), now, NO_TOLERANCE)).toThrow(
      RangeError,
    );
    expect(() => onlineAccess(adult(), enabledSince(switchOn), now, -1)).toThrow(RangeError);
  });
});
