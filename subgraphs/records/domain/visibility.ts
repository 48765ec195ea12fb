import { inExclusionGap, type ExclusionHistory } from './exclusion';
import { instantOf, isValidInstant } from './instant';
import { isWellFormedAccess, type AccessPeriod, type PracticeAccess } from './practice-access';
import { isRecordEntryType, mustBeFiled, type RecordEntryType } from './record-entry-type';
import { sixteenthBirthday } from './sixteenth-birthday';

/** Why an entry is not in the patient view, in the fixed order reasons are reported. */
export const NOT_VISIBLE_REASONS = [
  'ACCESS_DATA_UNAVAILABLE',
  'PRACTICE_NOT_ENABLED',
  'NOT_FILED',
  'INCONSISTENT_ENTRY',
  'OUTSIDE_ACCESS_PERIOD',
  'NEAR_ACCESS_BOUNDARY',
  'BEFORE_REGISTRATION',
  'BEFORE_16TH_BIRTHDAY',
  'HIDDEN',
  'PATIENT_EXCLUDED',
  'EXCLUDED_WHEN_AVAILABLE',
] as const;
export type NotVisibleReason = (typeof NOT_VISIBLE_REASONS)[number];

export interface EntryFacts {
  type: RecordEntryType;
  recordedAt: Date;
  filedAt: Date | null;
  hiddenFromPatient: boolean;
  /** As stored, for an entry read from the database (the column the patient view's SQL filters on). */
  availableAt?: Date | null;
}

export interface PatientFacts {
  /** YYYY-MM-DD */
  dateOfBirth: string;
  registeredAt: Date;
  /** From exclusionHistory(events): excluded now, and the spans during which they were. */
  exclusion: ExclusionHistory;
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

/**
 * Whether an entry's stored availability, when it has one, is what its own facts make it. The
 * patient view's SQL filters on the stored column, so an entry whose column disagrees is shown
 * by neither: the two must keep exactly the same rows whatever is stored.
 */
export function storedAvailabilityAgrees(entry: EntryFacts): boolean {
  if (entry.availableAt === undefined) return true;
  const derived = availableAt(entry);
  if (derived === null) return entry.availableAt === null;
  return isValidInstant(entry.availableAt) && entry.availableAt.getTime() === derived.getTime();
}

/** On or after the switch-on, before the pause (`to` exclusive); an open period has no end. */
export const periodContains = (period: AccessPeriod, at: number): boolean =>
  instantOf(period.from) <= at && (period.to === null || at < instantOf(period.to));

/**
 * Inside the period and further than `toleranceMs` from both of its ends. Periods are stamped by
 * the rollout clock and entries by the records clock (docs/domain.md "Instants from different
 * clocks"): an entry closer to a switch-on, pause or resume than the clocks may disagree by could
 * lie on either side, so it counts as outside. A tolerance that is not a non-negative number
 * leaves nothing clear of the boundaries.
 */
export function clearOfBoundaries(period: AccessPeriod, at: number, toleranceMs: number): boolean {
  const margin = Number.isFinite(toleranceMs) && toleranceMs >= 0 ? toleranceMs : NaN;
  return instantOf(period.from) + margin <= at && (period.to === null || at < instantOf(period.to) - margin);
}

/** Whether the patient's exclusion facts are usable and say "not excluded now". */
export const notExcludedNow = (exclusion: ExclusionHistory | undefined): boolean =>
  exclusion !== undefined && exclusion.excluded === false && Array.isArray(exclusion.gaps);

/**
 * THE rule (docs/domain.md, "Who sees what"): the patient sees an entry only when every condition
 * holds. Each check is written as "fails unless provably true", so unknown, missing or invalid
 * data (NaN instants, a malformed access or birth date) hides the entry. Every failing
 * condition is reported; those that need the available instant are judged only when it exists.
 * `toleranceMs` is how far the rollout and records clocks may disagree.
 */
export function entryVisibility(
  entry: EntryFacts,
  patient: PatientFacts,
  access: PracticeAccess | null,
  now: Date,
  toleranceMs: number,
): Visibility {
  const usable = access !== null && isWellFormedAccess(access, now, toleranceMs);
  const available = availableAt(entry);
  const t = instantOf(available);
  const sixteen = sixteenthBirthday(patient.dateOfBirth);
  const inAccessPeriod = usable && t <= instantOf(now) && access.periods.some((period) => periodContains(period, t));
  const clear = usable && access.periods.some((period) => clearOfBoundaries(period, t, toleranceMs));
  const gaps = patient.exclusion?.gaps;
  const fails: Record<NotVisibleReason, boolean> = {
    ACCESS_DATA_UNAVAILABLE: !usable, // (the precondition of 1 and 2)
    PRACTICE_NOT_ENABLED: usable && access.status !== 'ENABLED', // 1
    NOT_FILED: available === null, // 4
    INCONSISTENT_ENTRY: !storedAvailabilityAgrees(entry), // unreadable data: not visible
    OUTSIDE_ACCESS_PERIOD: usable && available !== null && !inAccessPeriod, // 2 (an instant after now is in no period yet)
    NEAR_ACCESS_BOUNDARY: usable && available !== null && inAccessPeriod && !clear, // 2, across two clocks
    BEFORE_REGISTRATION: available !== null && !(t >= instantOf(patient.registeredAt)), // 3
    BEFORE_16TH_BIRTHDAY: available !== null && !(sixteen !== null && t >= sixteen.getTime()), // 3
    HIDDEN: entry.hiddenFromPatient !== false, // 5
    PATIENT_EXCLUDED: !notExcludedNow(patient.exclusion), // 6
    EXCLUDED_WHEN_AVAILABLE: available !== null && (!Array.isArray(gaps) || inExclusionGap(gaps, t)), // 6
  };
  const reasons = NOT_VISIBLE_REASONS.filter((reason) => fails[reason]);
  return { visible: reasons.length === 0, reasons };
}

const DESCRIPTIONS: Record<NotVisibleReason, string> = {
  ACCESS_DATA_UNAVAILABLE: "The practice's access data was missing or could not be read, so nothing is shown",
  PRACTICE_NOT_ENABLED: "The practice's automatic access is not switched on at the moment",
  NOT_FILED: 'A test result or letter that no clinician has checked and filed yet',
  INCONSISTENT_ENTRY: "The entry's stored facts disagree with each other, so it is not shown",
  OUTSIDE_ACCESS_PERIOD: 'Became available while access was paused or before it was switched on',
  NEAR_ACCESS_BOUNDARY: 'Became available too close to a switch-on, pause or resume to be sure on which side it falls',
  BEFORE_REGISTRATION: 'Became available before the patient registered at this practice',
  BEFORE_16TH_BIRTHDAY: "Became available before the patient's 16th birthday",
  HIDDEN: "A clinician marked it 'do not show online'",
  PATIENT_EXCLUDED: 'The patient is excluded from online access (enhanced review indicated, or access declined)',
  EXCLUDED_WHEN_AVAILABLE: 'Became available while the patient was excluded from online access, so it stays hidden',
};

/** A plain-English sentence for clinicians previewing the patient view. */
export function describeReason(reason: NotVisibleReason): string {
  return DESCRIPTIONS[reason];
}
