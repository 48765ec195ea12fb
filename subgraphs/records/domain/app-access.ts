/**
 * Approved third-party apps: which scopes exist, and whether an app token may read the
 * patient view now. Pure: the caller hands in the app as stored and the token's scopes.
 */

/** The scope an app needs to read the patient view (SMART on FHIR's spirit: patient-level, read). */
export const RECORD_READ_SCOPE = 'record:read';

/** Scopes nhse may grant. Narrower ones (record.appointments:read, ...) would be added here. */
export const KNOWN_SCOPES: readonly string[] = [RECORD_READ_SCOPE];

export const CLIENT_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** The app as stored, as far as the decision needs it. */
export interface AppApproval {
  name: string;
  scopes: readonly string[];
  revokedAt: Date | null;
}

export type AppDecision = { ok: true; appName: string } | { ok: false; reason: string };

/**
 * An app token may read the patient view only while its app is approved (known, not revoked)
 * and both the approval and the token hold `record:read`. Anything else is a refusal with the
 * reason; an unknown app and a revoked one are refused alike.
 */
export function appMayReadRecord(app: AppApproval | null, tokenScopes: readonly string[], now: Date): AppDecision {
  if (app === null) return { ok: false, reason: 'The app is not approved' };
  if (app.revokedAt !== null && !(app.revokedAt.getTime() > now.getTime())) {
    return { ok: false, reason: 'The app\u2019s approval has been revoked' };
  }
  if (!app.scopes.includes(RECORD_READ_SCOPE)) return { ok: false, reason: `The app is not approved for ${RECORD_READ_SCOPE}` };
  if (!tokenScopes.includes(RECORD_READ_SCOPE))
    return { ok: false, reason: `The app's token lacks the ${RECORD_READ_SCOPE} scope` };
  return { ok: true, appName: app.name };
}

/** Scopes as stored (space-separated, like OAuth) and back; blanks and repeats dropped. */
export const parseScopes = (stored: string): string[] => [...new Set(stored.split(' ').filter((scope) => scope !== ''))];
export const storeScopes = (scopes: readonly string[]): string => [...new Set(scopes)].join(' ');

/** Null when every scope is known and there is at least one; otherwise what is wrong. */
export function checkScopes(scopes: readonly string[]): string | null {
  if (scopes.length === 0) return 'An app needs at least one scope';
  const unknown = scopes.filter((scope) => !KNOWN_SCOPES.includes(scope));
  return unknown.length > 0 ? `Unknown scope; known scopes: ${KNOWN_SCOPES.join(', ')}` : null;
}
