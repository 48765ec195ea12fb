import { instantOf } from './instant';
import { isWellFormedAccess, type PracticeAccess } from './practice-access';
import { sixteenthBirthday } from './sixteenth-birthday';
import { notExcludedNow, type PatientFacts } from './visibility';
import { visibleWindow, type Stretch } from './visible-window';

export type OnlineAccessState = 'VISIBLE' | 'NOT_YET_SWITCHED_ON' | 'PRACTICE_PAUSED' | 'PATIENT_EXCLUDED' | 'UNDER_16';

export interface OnlineAccess {
  state: OnlineAccessState;
  /** VISIBLE and UNDER_16: the earliest instant an entry can be in the view; else null. */
  visibleFrom: Date | null;
  /** VISIBLE and UNDER_16: the stretches whose entries are (or at 16 will be) shown; else none. */
  visiblePeriods: { from: Date; to: Date | null }[];
}

const NOTHING_SHOWN = { visibleFrom: null, visiblePeriods: [] };

/**
 * What the patient is told (docs/domain.md), checked in the order the SDL promises: practice status,
 * exclusion, age. The stretches are the very ones the patient view's SQL keeps, so
 * `visibleFrom` is the first instant shown and the gaps between `visiblePeriods` are exactly
 * what is not. A practice that was switched on and is now paused, or paused with a resume
 * planned (SCHEDULED with periods), is PRACTICE_PAUSED.
 * Throws for access that parsePracticeAccess would refuse, or an invalid now or registration:
 * there is no honest state to report, and the caller turns the error into "nothing shown".
 */
export function onlineAccess(patient: PatientFacts, access: PracticeAccess, now: Date, toleranceMs: number): OnlineAccess {
  if (!isWellFormedAccess(access, now, toleranceMs) || Number.isNaN(instantOf(patient.registeredAt))) {
    throw new RangeError('onlineAccess needs well-formed practice access and valid instants');
  }
  if (access.status === 'PAUSED' || (access.status === 'SCHEDULED' && access.periods.length > 0)) {
    return { state: 'PRACTICE_PAUSED', ...NOTHING_SHOWN };
  }
  if (access.status !== 'ENABLED') return { state: 'NOT_YET_SWITCHED_ON', ...NOTHING_SHOWN };
  if (!notExcludedNow(patient.exclusion)) return { state: 'PATIENT_EXCLUDED', ...NOTHING_SHOWN };
  const sixteen = sixteenthBirthday(patient.dateOfBirth);
  const window = visibleWindow(patient, access, now, toleranceMs);
  // A malformed date of birth reads as "not yet 16", with no birthday to promise.
  if (sixteen === null) return { state: 'UNDER_16', ...NOTHING_SHOWN };
  if (window === null) throw new RangeError('onlineAccess needs a non-negative clock tolerance');
  const visiblePeriods = window.stretches.map(toDates);
  return {
    state: now.getTime() < sixteen.getTime() ? 'UNDER_16' : 'VISIBLE',
    visibleFrom: visiblePeriods[0]?.from ?? null,
    visiblePeriods,
  };
}

const toDates = ({ from, to }: Stretch) => ({ from: new Date(from), to: to === null ? null : new Date(to) });
