/**
 * Where a practice stands in ODS. The ODS GP practice file gives one letter (Status Code);
 * we keep the word. A closed practice stays, marked CLOSED with its close date: ODS codes
 * are never reused, and a closed practice's rollout history still counts.
 */
export const PRACTICE_STATUSES = ['ACTIVE', 'CLOSED', 'DORMANT', 'PROPOSED'] as const;
export type PracticeStatus = (typeof PRACTICE_STATUSES)[number];

export const STATUS_BY_ODS_CODE: Readonly<Record<string, PracticeStatus>> = {
  A: 'ACTIVE',
  C: 'CLOSED',
  D: 'DORMANT',
  P: 'PROPOSED',
};
