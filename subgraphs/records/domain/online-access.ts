import { instantOf } from './instant';
import { isWellFormedAccess, type PracticeAccess } from './practice-access';
import { sixteenthBirthday } from './sixteenth-birthday';
import type { PatientFacts } from './visibility';

export type OnlineAccessState = 'VISIBLE' | 'NOT_YET_SWITCHED_ON' | 'PRACTICE_PAUSED' | 'PATIENT_EXCLUDED' | 'UNDER_16';

export interface OnlineAccess {
  state: OnlineAccessState;
  /** VISIBLE: from when new entries are visible; UNDER_16: the 16th birthday; else null. */
  visibleFrom: Date | null;
}

/**
 * The patient's automatic-access state, checked in the order the SDL promises: practice
 * status, exclusion, age. The same facts as entryVisibility, so VISIBLE means an entry
 * available between visibleFrom and now is shown (unless hidden or unfiled).
 * Throws for access that parsePracticeAccess would refuse, or an invalid now or registration:
 * there is no honest state to report, and the caller turns the error into "nothing shown".
 */
export function onlineAccess(patient: PatientFacts, access: PracticeAccess, now: Date): OnlineAccess {
  const registeredAt = instantOf(patient.registeredAt);
  if (!isWellFormedAccess(access, now) || Number.isNaN(registeredAt)) {
    throw new RangeError('onlineAccess needs well-formed practice access and valid instants');
  }
  if (access.status === 'PAUSED') return { state: 'PRACTICE_PAUSED', visibleFrom: null };
  if (access.status !== 'ENABLED') return { state: 'NOT_YET_SWITCHED_ON', visibleFrom: null };
  if (patient.excluded !== false) return { state: 'PATIENT_EXCLUDED', visibleFrom: null };
  const sixteen = sixteenthBirthday(patient.dateOfBirth);
  // A malformed date of birth reads as "not yet 16", with no birthday to promise.
  if (sixteen === null) return { state: 'UNDER_16', visibleFrom: null };
  if (now.getTime() < sixteen.getTime()) return { state: 'UNDER_16', visibleFrom: sixteen };
  // Well-formed and ENABLED: the last period is the open one, from the current switch-on.
  const switchedOn = instantOf(access.periods[access.periods.length - 1]?.from);
  return { state: 'VISIBLE', visibleFrom: new Date(Math.max(switchedOn, registeredAt, sixteen.getTime())) };
}
