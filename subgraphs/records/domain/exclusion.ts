import { instantOf } from './instant';

/** "Enhanced review indicated before granting access to your own health record": a clinician excludes. */
export const SNOMED_EXCLUDED = '1364731000000104';
/** "Enhanced review not indicated before granting access to your own health record": a clinician lifts a 104. */
export const SNOMED_EXCLUSION_LIFTED = '1364751000000106';
/** "Online access to own health record declined by patient": the patient's own choice. */
export const SNOMED_ACCESS_DECLINED = '1290331000000103';

/**
 * What one exclusion event did. A clinician's exclusion and its lifting (104, 106) and the
 * patient's own choices (declining, 103, and later withdrawing that decline, which ends the
 * 103 entry) are kept apart: a clinician's lift never ends the patient's decline.
 */
export const EXCLUSION_KINDS = ['EXCLUDED', 'EXCLUSION_LIFTED', 'ACCESS_DECLINED', 'DECLINE_WITHDRAWN'] as const;
export type ExclusionKind = (typeof EXCLUSION_KINDS)[number];

/** The SNOMED CT concept each kind records (a withdrawn decline ends the 103 entry). */
export const SNOMED_CODE_OF: Readonly<Record<ExclusionKind, string>> = {
  EXCLUDED: SNOMED_EXCLUDED,
  EXCLUSION_LIFTED: SNOMED_EXCLUSION_LIFTED,
  ACCESS_DECLINED: SNOMED_ACCESS_DECLINED,
  DECLINE_WITHDRAWN: SNOMED_ACCESS_DECLINED,
};

/** The patient's own choices, as opposed to a clinician's judgement. */
export const isPatientChoice = (kind: ExclusionKind): boolean => kind === 'ACCESS_DECLINED' || kind === 'DECLINE_WITHDRAWN';

/** One recorded exclusion event, as the rule needs it; a history lists them in the order recorded. */
export interface ExclusionEventFacts {
  snomedCode: string;
  /** Null for events stored before kinds were kept (their code says what they did). */
  kind: string | null;
  at: Date;
}

/**
 * The kind of a stored event, or null when it cannot be trusted: an unknown kind or code, or a
 * kind its code contradicts. Events stored without a kind read as their code's first meaning.
 */
export function kindOf(event: ExclusionEventFacts): ExclusionKind | null {
  if (event.kind === null) {
    if (event.snomedCode === SNOMED_EXCLUDED) return 'EXCLUDED';
    if (event.snomedCode === SNOMED_EXCLUSION_LIFTED) return 'EXCLUSION_LIFTED';
    if (event.snomedCode === SNOMED_ACCESS_DECLINED) return 'ACCESS_DECLINED';
    return null;
  }
  const kind = EXCLUSION_KINDS.find((known) => known === event.kind);
  return kind !== undefined && SNOMED_CODE_OF[kind] === event.snomedCode ? kind : null;
}

/** A span (ms) during which the patient was excluded: `from` inclusive, `to` exclusive, null while it stands. */
export interface ExclusionGap {
  from: number;
  to: number | null;
}

/** Where the patient stands now, and every span during which they were excluded, oldest first. */
export interface ExclusionHistory {
  /** Excluded now, for either reason below (or an unreadable history). */
  excluded: boolean;
  /** A clinician's 104 stands. */
  byClinician: boolean;
  /** The patient's own decline (103) stands. */
  declinedByPatient: boolean;
  gaps: ExclusionGap[];
}

/** Anything unreadable: excluded now and always, for either reason, so nothing is ever shown. */
const UNREADABLE: ExclusionHistory = {
  excluded: true,
  byClinician: true,
  declinedByPatient: true,
  gaps: [{ from: -Infinity, to: null }],
};

/**
 * The patient's exclusions (docs/domain.md "Who sees what", rule 6). Events take effect in the order
 * they were recorded, never by their instants: each counts from the latest instant recorded so
 * far, so a clock that stepped back cannot move an exclusion before an earlier lift. A 106
 * lifts a 104 only; only the patient's withdrawal ends their decline. A gap runs from the
 * exclusion to one millisecond past its end, so an entry stamped at the very instant of the
 * lift stays out. One unknown code or kind, or unreadable instant, excludes for good.
 */
export function exclusionHistory(events: readonly ExclusionEventFacts[]): ExclusionHistory {
  let byClinician = false;
  let declined = false;
  let effective = -Infinity;
  let openedAt: number | null = null;
  const gaps: ExclusionGap[] = [];
  for (const event of events) {
    const kind = kindOf(event);
    const at = instantOf(event.at);
    if (kind === null || Number.isNaN(at)) return UNREADABLE;
    effective = Math.max(effective, at);
    if (kind === 'EXCLUDED' || kind === 'EXCLUSION_LIFTED') byClinician = kind === 'EXCLUDED';
    else declined = kind === 'ACCESS_DECLINED';
    const excluded = byClinician || declined;
    if (excluded && openedAt === null) openedAt = effective;
    if (!excluded && openedAt !== null) {
      gaps.push({ from: openedAt, to: effective + 1 });
      openedAt = null;
    }
  }
  if (openedAt !== null) gaps.push({ from: openedAt, to: null });
  return { excluded: openedAt !== null, byClinician, declinedByPatient: declined, gaps };
}

/** Whether the patient is excluded from automatic access now (exclusionHistory's verdict). */
export const isExcluded = (events: readonly ExclusionEventFacts[]): boolean => exclusionHistory(events).excluded;

/**
 * The latest instant in a patient's exclusion history (ms), or -Infinity. An entry or filing is
 * stamped no earlier, so it falls on the right side of every exclusion event even after the clock
 * stepped back: otherwise an entry written while excluded could be stamped before the exclusion.
 */
export const latestExclusionInstant = (events: readonly ExclusionEventFacts[]): number =>
  events.reduce(
    (latest, event) => (Number.isNaN(instantOf(event.at)) ? latest : Math.max(latest, instantOf(event.at))),
    -Infinity,
  );

/** True when `t` (ms) falls in one of the gaps. */
export const inExclusionGap = (gaps: readonly ExclusionGap[], t: number): boolean =>
  gaps.some((gap) => gap.from <= t && (gap.to === null || t < gap.to));
