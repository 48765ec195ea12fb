/**
 * The instants a data set is written around. The rollout histories (test/helpers/national-rollout.ts)
 * run from waves in November 2022 to resumes in early 2024; entries are spread from HISTORY_FROM
 * to AS_OF, so years of them fall before each practice's switch-on and some during pauses.
 * Nothing happens after AS_OF: any clock at or after it sees the same visibility.
 */
export const TIMELINE = {
  /** The earliest entry. */
  historyFrom: '2019-01-01T00:00:00.000Z',
  /** The latest entry, filing or exclusion: the "now" the data set was written for. */
  asOf: '2024-06-01T09:00:00.000Z',
  /** The practices' updatedAt. */
  practicesUpdatedAt: '2024-01-01T00:00:00.000Z',
} as const;

export const DAY_MS = 86_400_000;
export const YEAR_MS = 365.25 * DAY_MS;
