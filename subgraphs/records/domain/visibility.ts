import { instantOf, isValidInstant } from './instant';
import { isWellFormedAccess, type AccessPeriod, type PracticeAccess } from './practice-access';
import { isRecordEntryType, mustBeFiled, type RecordEntryType } from './record-entry-type';
import { sixteenthBirthday } from './sixteenth-birthday';

/** Why an entry is not in the patient view, in the fixed order reasons are reported. */
export const NOT_VISIBLE_REASONS = [
  'ACCESS_DATA_UNAVAILABLE',
  'PRACTICE_NOT_ENABLED',
  'NOT_FILED',
  'OUTSIDE_ACCESS_PERIOD',
  'BEFORE_REGISTRATION',
  'BEFORE_16TH_BIRTHDAY',
  'HIDDEN',
  'PATIENT_EXCLUDED',
] as const;
export type NotVisibleReason = (typeof NOT_VISIBLE_REASONS)[number];

export interface EntryFacts {
  type: RecordEntryType;
  recordedAt: Date;
  filedAt: Date | null;
  hiddenFromPatient: boolean;
}

export interface PatientFacts {
  /** YYYY-MM-DD */
  dateOfBirth: string;
  registeredAt: Date;
  /** From isExcluded(history). */
  excluded: boolean;
}

/** Whether the patient sees the entry; `reasons` is empty exactly when `visible`. */
export interface Visibility {
  visible: boolean;
  reasons: NotVisibleReason[];
}

/**
 * The instant an entry became available to the patient view: when a clinician filed it for
 * test results and letters, when it was recorded otherwise. Null while unfiled, and null too
 * when its facts cannot be trusted (an unknown type, an invalid instant, filed before it was
 * recorded), so such an entry is never available.
 */
export function availableAt(entry: EntryFacts): Date | null {
  if (!isRecordEntryType(entry.type) || !isValidInstant(entry.recordedAt)) return null;
  if (!mustBeFiled(entry.type)) return new Date(entry.recordedAt.getTime());
  const { filedAt } = entry;
  if (!isValidInstant(filedAt) || filedAt.getTime() < entry.recordedAt.getTime()) return null;
  return new Date(filedAt.getTime());
}

/** On or after the switch-on, before the pause (`to` exclusive); an open period has no end. */
export const periodContains = (period: AccessPeriod, at: number): boolean =>
  instantOf(period.from) <= at && (period.to === null || at < instantOf(period.to));

/**
 * THE rule (DOMAIN.md, "Who sees what"): the patient sees an entry only when every condition
 * holds. Each check is written as "fails unless provably true", so unknown, missing or invalid
 * data (NaN instants, a malformed access or birth date) hides the entry. Every failing
 * condition is reported; those that need the available instant are judged only when it exists.
 */
export function entryVisibility(entry: EntryFacts, patient: PatientFacts, access: PracticeAccess | null, now: Date): Visibility {
  const usable = access !== null && isWellFormedAccess(access, now);
  const available = availableAt(entry);
  const t = instantOf(available);
  const sixteen = sixteenthBirthday(patient.dateOfBirth);
  const inAccessPeriod = usable && t <= instantOf(now) && access.periods.some((period) => periodContains(period, t));
  const fails: Record<NotVisibleReason, boolean> = {
    ACCESS_DATA_UNAVAILABLE: !usable, // (the precondition of 1 and 2)
    PRACTICE_NOT_ENABLED: usable && access.status !== 'ENABLED', // 1
    NOT_FILED: available === null, // 4
    OUTSIDE_ACCESS_PERIOD: usable && available !== null && !inAccessPeriod, // 2 (an instant after now is in no period yet)
    BEFORE_REGISTRATION: available !== null && !(t >= instantOf(patient.registeredAt)), // 3
    BEFORE_16TH_BIRTHDAY: available !== null && !(sixteen !== null && t >= sixteen.getTime()), // 3
    HIDDEN: entry.hiddenFromPatient !== false, // 5
    PATIENT_EXCLUDED: patient.excluded !== false, // 6
  };
  const reasons = NOT_VISIBLE_REASONS.filter((reason) => fails[reason]);
  return { visible: reasons.length === 0, reasons };
}

const DESCRIPTIONS: Record<NotVisibleReason, string> = {
  ACCESS_DATA_UNAVAILABLE: "The practice's access data was missing or could not be read, so nothing is shown",
  PRACTICE_NOT_ENABLED: "The practice's automatic access is not switched on at the moment",
  NOT_FILED: 'A test result or letter that no clinician has checked and filed yet',
  OUTSIDE_ACCESS_PERIOD: 'Became available while access was paused or before it was switched on',
  BEFORE_REGISTRATION: 'Became available before the patient registered at this practice',
  BEFORE_16TH_BIRTHDAY: "Became available before the patient's 16th birthday",
  HIDDEN: "A clinician marked it 'do not show online'",
  PATIENT_EXCLUDED: 'The patient is excluded from online access (enhanced review indicated, or access declined)',
};

/** A plain-English sentence for clinicians previewing the patient view. */
export function describeReason(reason: NotVisibleReason): string {
  return DESCRIPTIONS[reason];
}
