import { instantOf } from './instant';

/** "Enhanced review indicated before granting access to your own health record": excludes. */
export const SNOMED_EXCLUDED = '1364731000000104';
/** "Enhanced review not indicated before granting access to your own health record": lifts. */
export const SNOMED_EXCLUSION_LIFTED = '1364751000000106';
/** "Online access to own health record declined by patient": excludes. */
export const SNOMED_ACCESS_DECLINED = '1290331000000103';

const KNOWN_CODES: readonly string[] = [SNOMED_EXCLUDED, SNOMED_EXCLUSION_LIFTED, SNOMED_ACCESS_DECLINED];

/** One recorded exclusion code, as the rule needs it. */
export interface ExclusionEventFacts {
  snomedCode: string;
  at: Date;
}

/**
 * Whether the patient is excluded from automatic access now: the latest event by `at` wins
 * (on a tie, the later in the array); 104 and 103 exclude, 106 lifts, no events means not
 * excluded. One unknown code or unreadable instant anywhere in the history excludes: we cannot
 * tell what it meant or where it falls, so we fail closed.
 */
export function isExcluded(events: readonly ExclusionEventFacts[]): boolean {
  if (events.some((event) => !KNOWN_CODES.includes(event.snomedCode) || Number.isNaN(instantOf(event.at)))) return true;
  let latest: ExclusionEventFacts | undefined;
  for (const event of events) {
    if (latest === undefined || instantOf(event.at) >= instantOf(latest.at)) latest = event;
  }
  return latest !== undefined && latest.snomedCode !== SNOMED_EXCLUSION_LIFTED;
}
