import { onlineAccess } from '../../../subgraphs/records/domain/online-access';
import type { PracticeAccess } from '../../../subgraphs/records/domain/practice-access';
import { adult, enabledSince, instant, period } from './record-builders';

const switchOn = instant('2023-02-01T00:00');
const pausedAt = instant('2023-03-01T09:30');
const resumedAt = instant('2023-04-01T08:00');
const now = instant('2023-06-01T12:00');
const resumed: PracticeAccess = { status: 'ENABLED', periods: [period(switchOn, pausedAt), period(resumedAt)] };

describe('a patient’s online-access state', () => {
  it('at a practice never scheduled: NOT_YET_SWITCHED_ON, no date', () => {
    expect(onlineAccess(adult(), { status: 'NOT_SCHEDULED', periods: [] }, now)).toEqual({
      state: 'NOT_YET_SWITCHED_ON',
      visibleFrom: null,
    });
  });

  it('at a practice scheduled for later: NOT_YET_SWITCHED_ON, no date', () => {
    expect(onlineAccess(adult(), { status: 'SCHEDULED', periods: [] }, now)).toEqual({
      state: 'NOT_YET_SWITCHED_ON',
      visibleFrom: null,
    });
  });

  it('at a paused practice: PRACTICE_PAUSED, even for an excluded child', () => {
    const patient = { dateOfBirth: '2015-01-01', registeredAt: switchOn, excluded: true };
    expect(onlineAccess(patient, { status: 'PAUSED', periods: [period(switchOn, pausedAt)] }, now)).toEqual({
      state: 'PRACTICE_PAUSED',
      visibleFrom: null,
    });
  });

  it('an excluded patient at an enabled practice: PATIENT_EXCLUDED, checked before age', () => {
    expect(onlineAccess(adult({ dateOfBirth: '2015-01-01', excluded: true }), enabledSince(switchOn), now)).toEqual({
      state: 'PATIENT_EXCLUDED',
      visibleFrom: null,
    });
  });

  it('a patient under 16: UNDER_16, visible from the 16th birthday (London midnight)', () => {
    expect(onlineAccess(adult({ dateOfBirth: '2007-08-10' }), enabledSince(switchOn), now)).toEqual({
      state: 'UNDER_16',
      visibleFrom: instant('2023-08-09T23:00'),
    });
  });

  it('a patient with a malformed date of birth: UNDER_16 with no date to promise', () => {
    expect(onlineAccess(adult({ dateOfBirth: '2007-13-01' }), enabledSince(switchOn), now)).toEqual({
      state: 'UNDER_16',
      visibleFrom: null,
    });
  });

  it('an adult registered before switch-on: VISIBLE from the switch-on', () => {
    expect(onlineAccess(adult(), enabledSince(switchOn), now)).toEqual({ state: 'VISIBLE', visibleFrom: switchOn });
  });

  it('after a resume: VISIBLE from the resume, the current switch-on', () => {
    expect(onlineAccess(adult(), resumed, now)).toEqual({ state: 'VISIBLE', visibleFrom: resumedAt });
  });

  it('a patient who registered after switch-on: VISIBLE from registration', () => {
    const registeredAt = instant('2023-05-02T14:20');
    expect(onlineAccess(adult({ registeredAt }), enabledSince(switchOn), now)).toEqual({
      state: 'VISIBLE',
      visibleFrom: registeredAt,
    });
  });

  it('a patient who turned 16 after switch-on: VISIBLE from the 16th birthday', () => {
    expect(onlineAccess(adult({ dateOfBirth: '2007-05-17' }), enabledSince(switchOn), now)).toEqual({
      state: 'VISIBLE',
      visibleFrom: instant('2023-05-16T23:00'),
    });
  });

  it('at the very instant of the 16th birthday the patient is no longer UNDER_16', () => {
    const birthday = instant('2023-05-16T23:00');
    expect(onlineAccess(adult({ dateOfBirth: '2007-05-17' }), enabledSince(switchOn), birthday).state).toBe('VISIBLE');
    expect(
      onlineAccess(adult({ dateOfBirth: '2007-05-17' }), enabledSince(switchOn), new Date(birthday.getTime() - 1)).state,
    ).toBe('UNDER_16');
  });

  it('refuses access that parsing would have refused, and invalid instants, rather than guess', () => {
    expect(() => onlineAccess(adult(), { status: 'ENABLED', periods: [] }, now)).toThrow(RangeError);
    expect(() => onlineAccess(adult(), enabledSince(switchOn), new Date(NaN))).toThrow(RangeError);
    expect(() => onlineAccess(adult({ registeredAt: new Date(NaN) }), enabledSince(switchOn), now)).toThrow(RangeError);
  });
});
