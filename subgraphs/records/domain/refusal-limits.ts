/**
 * How refused attempts are limited and logged (docs/security.md, decision 0030 and 0031).
 */

/**
 * A clinician's refused registerPatient calls allowed per window; past it every call is
 * RATE_LIMITED (and counts, so hammering a closed door keeps it closed for the window).
 */
export const REGISTRATION_REFUSALS = { limit: 10, windowMs: 60 * 60 * 1000 } as const;

/** At most one REFUSED row per actor, patient and view per window, so refusals cannot flood a patient's log. */
export const REFUSED_ROW_WINDOW_MS = 60 * 60 * 1000;

/** The counter keys: who (the log's actor id) and, for log rows, which patient and view. */
export const registrationRefusalKey = (actorId: string) => `registration-refused:${actorId}`;
export const refusedRowKey = (actorId: string, nhsNumber: string, view: string) => `refused-row:${actorId}:${nhsNumber}:${view}`;
