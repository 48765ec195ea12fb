import { instantOf } from './instant';
import { isWellFormedAccess, type PracticeAccess } from './practice-access';
import { sixteenthBirthday } from './sixteenth-birthday';
import { notExcludedNow, type PatientFacts } from './visibility';

/** A span (ms) from which entries are shown: `from` inclusive, `to` exclusive, null = no end. */
export interface Stretch {
  from: number;
  to: number | null;
}

/**
 * entryVisibility in the form a WHERE clause needs. The SQL keeps an entry when its stored
 * facts are consistent (a known type, available_at what availableAt() makes of them), it is not
 * hidden, available_at <= notAfter, and available_at lies in one of `stretches`.
 */
export interface VisibleWindow {
  notAfter: Date;
  /** Ascending, not overlapping: the access periods clear of their boundaries, from registration
   *  and the 16th birthday on, less every span during which the patient was excluded. */
  stretches: Stretch[];
}

/** `piece` less `gap`: nothing, one stretch or two. */
function without(piece: Stretch, gap: Stretch): Stretch[] {
  const pieceEnd = piece.to ?? Infinity;
  const gapEnd = gap.to ?? Infinity;
  if (gapEnd <= piece.from || pieceEnd <= gap.from) return [piece];
  const left: Stretch[] = piece.from < gap.from ? [{ from: piece.from, to: gap.from }] : [];
  const right: Stretch[] = gapEnd < pieceEnd ? [{ from: gapEnd, to: piece.to }] : [];
  return [...left, ...right];
}

/**
 * The stretches from which entries are shown, or null when no entry can be: access missing or
 * malformed, practice not ENABLED, patient excluded now, date of birth malformed, registration
 * invalid, tolerance not a non-negative number. The unit tests prove, as a property, that an
 * entry passes these conditions exactly when entryVisibility says it is visible.
 */
export function visibleWindow(
  patient: PatientFacts,
  access: PracticeAccess | null,
  now: Date,
  toleranceMs: number,
): VisibleWindow | null {
  if (access === null || !isWellFormedAccess(access, now, toleranceMs) || access.status !== 'ENABLED') return null;
  if (!notExcludedNow(patient.exclusion)) return null;
  if (!Number.isSafeInteger(toleranceMs) || toleranceMs < 0) return null;
  const sixteen = sixteenthBirthday(patient.dateOfBirth);
  const registeredAt = instantOf(patient.registeredAt);
  if (sixteen === null || Number.isNaN(registeredAt)) return null;
  const notBefore = Math.max(registeredAt, sixteen.getTime());
  let stretches: Stretch[] = access.periods.flatMap((period) => {
    const from = Math.max(period.from.getTime() + toleranceMs, notBefore);
    const to = period.to === null ? null : period.to.getTime() - toleranceMs;
    return to === null || from < to ? [{ from, to }] : [];
  });
  for (const gap of patient.exclusion.gaps) stretches = stretches.flatMap((piece) => without(piece, gap));
  return { notAfter: new Date(now.getTime()), stretches };
}
