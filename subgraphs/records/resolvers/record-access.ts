import { DomainError, ErrorCode, forbidden } from '../../../platform/errors';
import type { ViewerOf } from '../../../platform/viewer';
import { actorOf, mayReadPatient } from '../authorization';
import type { RecordsContext } from '../context';
import { appMayReadRecord, parseScopes, type AppDecision } from '../domain/app-access';
import type { AccessLogRow } from '../entities/access-log';
import type { PatientRow } from '../entities/patient';
import { REFUSED_ROW_WINDOW_MS, refusedRowKey } from '../domain/refusal-limits';

/**
 * The gate every read of a record passes, and the access log it leaves. Each read is logged
 * before its entries leave the records subgraph: if the log row cannot be stored, the read
 * fails and nothing is returned (fail closed). Refused attempts are logged too, when the
 * patient is known (GP Connect: every access attempt is audited).
 */

/** An app viewer's approval, decided from the database once per request. */
function appDecision(context: RecordsContext, viewer: ViewerOf<'app'>): Promise<AppDecision> {
  context.appDecision ??= context.loaders.app
    .load(viewer.clientId)
    .then((app) =>
      appMayReadRecord(
        app && { name: app.name, scopes: parseScopes(app.scopes), revokedAt: app.revokedAt },
        viewer.scopes,
        context.now,
      ),
    );
  return context.appDecision;
}

/**
 * Writes one access-log row (batched with the others of this tick) and waits until it is stored.
 * A refusal always reaches the server log (no patient data); the patient's log keeps only the
 * first refusal per actor and view in each window, so an attacker cannot flood what they read.
 */
export async function logAccess(
  context: RecordsContext,
  nhsNumber: string,
  view: AccessLogRow['view'],
  entryCount: number,
  outcome: AccessLogRow['outcome'],
): Promise<void> {
  const viewer = context.viewer;
  const actor = actorOf(viewer);
  if (outcome === 'REFUSED') {
    const seen = await context.attempts.add(refusedRowKey(actor.actorId, nhsNumber, view), context.now, REFUSED_ROW_WINDOW_MS);
    context.logger.warn({ actorRole: actor.actorRole, view, inWindow: seen }, 'refused access to a patient record');
    if (seen > 1) return;
  }
  const decision = viewer.role === 'app' ? await appDecision(context, viewer) : null;
  await context.loaders.accessLog.load({
    at: context.now,
    requestId: context.requestId,
    ...actor,
    appName: decision?.ok ? decision.appName : null,
    nhsNumber,
    view,
    entryCount,
    outcome,
  });
}

/** Logs a refused attempt on a patient we know, then throws the refusal. */
export async function refuse(
  context: RecordsContext,
  patient: PatientRow | null,
  view: AccessLogRow['view'],
  error: Error,
): Promise<never> {
  if (patient) await logAccess(context, patient.nhsNumber, view, 0, 'REFUSED');
  throw error;
}

/**
 * `me`: a patient or an app acting for one, at NHS login P9; an app only while approved and
 * holding record:read, and within its rate limits (the patient's and the app's, one token each per request).
 */
export async function selfReader(context: RecordsContext): Promise<ViewerOf<'patient' | 'app'>> {
  const viewer = context.viewer;
  if (viewer.role !== 'patient' && viewer.role !== 'app') throw forbidden('Only patient and app tokens have a "me"');
  const patient = await context.loaders.patient.load(viewer.nhsNumber);
  if (viewer.identityLevel !== 'P9') {
    return refuse(context, patient, 'PATIENT', forbidden('Reading a GP record needs NHS login identity level P9'));
  }
  if (viewer.role === 'app') {
    const decision = await appDecision(context, viewer);
    if (!decision.ok) return refuse(context, patient, 'PATIENT', forbidden(decision.reason));
    context.rateLimitTaken ??= context.rateLimiter.take(viewer.clientId, viewer.nhsNumber, context.now);
    const taken = await context.rateLimitTaken;
    if (!taken.ok) {
      // The wait reaches the gateway, which answers with Retry-After (gateway/retry-after.ts).
      const message =
        taken.bucket === 'patient'
          ? "The app is over its rate limit for this patient's record; try again shortly"
          : 'The app is over its rate limit; try again shortly';
      return refuse(
        context,
        patient,
        'PATIENT',
        new DomainError(ErrorCode.RateLimited, message, { retryAfterSeconds: taken.retryAfterSeconds }),
      );
    }
  }
  return viewer;
}

/** Any read of a patient: the rules of authorization.ts, and for an app its approval as well. */
export async function assertMayReadPatient(
  context: RecordsContext,
  patient: PatientRow,
  view: AccessLogRow['view'],
): Promise<void> {
  const viewer = context.viewer;
  if (!mayReadPatient(viewer, patient)) return refuse(context, patient, view, forbidden('You may not read this patient'));
  if (viewer.role === 'app') {
    const decision = await appDecision(context, viewer);
    if (!decision.ok) return refuse(context, patient, view, forbidden(decision.reason));
  }
}

/** The clinical view: clinicians of the registered practice only; anyone else's attempt is logged. */
export async function assertClinicianOf(context: RecordsContext, patient: PatientRow): Promise<void> {
  const viewer = context.viewer;
  if (viewer.role !== 'clinician' || viewer.odsCode !== patient.odsCode) {
    await refuse(context, patient, 'CLINICAL', forbidden("Only clinicians of the patient's registered practice may do this"));
  }
}
