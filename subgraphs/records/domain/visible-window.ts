import { instantOf } from './instant';
import { isWellFormedAccess, type AccessPeriod, type PracticeAccess } from './practice-access';
import { sixteenthBirthday } from './sixteenth-birthday';
import type { PatientFacts } from './visibility';

/**
 * entryVisibility in the form a WHERE clause needs. The SQL keeps an entry when
 * available_at IS NOT NULL, hidden_from_patient = false, notBefore <= available_at <= notAfter
 * and available_at lies in one of `periods` (from <= available_at < to; to null = open).
 */
export interface VisibleWindow {
  notBefore: Date;
  notAfter: Date;
  periods: AccessPeriod[];
}

/**
 * The window of instants at which an entry that became available is visible, or null when
 * no entry can be: access missing or malformed, practice not ENABLED, patient excluded,
 * date of birth malformed, registration invalid. The unit tests prove, as a property, that
 * an entry passes these conditions exactly when entryVisibility says it is visible.
 */
export function visibleWindow(patient: PatientFacts, access: PracticeAccess | null, now: Date): VisibleWindow | null {
  if (access === null || !isWellFormedAccess(access, now) || access.status !== 'ENABLED') return null;
  if (patient.excluded !== false) return null;
  const sixteen = sixteenthBirthday(patient.dateOfBirth);
  const registeredAt = instantOf(patient.registeredAt);
  if (sixteen === null || Number.isNaN(registeredAt)) return null;
  return {
    notBefore: new Date(Math.max(registeredAt, sixteen.getTime())),
    notAfter: new Date(now.getTime()),
    periods: access.periods.map(({ from, to }) => ({
      from: new Date(from.getTime()),
      to: to === null ? null : new Date(to.getTime()),
    })),
  };
}
