/**
 * The realistic mix: each kind of request and its share, as bench/README.md states and explains
 * (patients reading dominate, as on the NHS App; apps, clinicians and analysts after; writes a
 * small share, since most of a record is written in the GP system, not through this API).
 */
export const MIX_WEIGHTS = {
  'patient first page': 45,
  'patient next page': 12,
  'app first page (trusted id)': 15,
  'app next page (trusted id)': 5,
  'clinician list of 50': 8,
  'analyst summary by ICB': 3,
  'analyst 52-week timeline': 2,
  'clinician adds an entry': 6,
  'clinician files a result': 2,
  'clinician sets or lifts an exclusion': 2,
} as const;

export type MixKind = keyof typeof MIX_WEIGHTS;

/** The kind whose p99 the target is on. */
export const TARGET_KIND: MixKind = 'patient first page';
