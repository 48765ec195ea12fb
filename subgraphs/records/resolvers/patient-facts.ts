import { conflict, DomainError, ErrorCode, GatewayHint } from '../../../platform/errors';
import type { RecordsContext } from '../context';
import { exclusionHistory } from '../domain/exclusion';
import { parsePracticeAccess, type PracticeAccess } from '../domain/practice-access';
import type { PatientFacts } from '../domain/visibility';
import { exclusionFacts } from '../store/records-store';
import type { PatientModel } from '../models';

/** The patient's facts the rule needs: birth date, registration, exclusions (in the order recorded). */
export async function patientFacts(patient: PatientModel, context: RecordsContext): Promise<PatientFacts> {
  const events = await context.loaders.exclusions.load(patient.nhsNumber);
  return {
    dateOfBirth: patient.dateOfBirth,
    registeredAt: patient.registeredAt,
    exclusion: exclusionHistory(exclusionFacts(events)),
  };
}

const ACCESS_NOT_ESTABLISHED = "The practice's access status could not be established, so no entries are shown";

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * The practice's access status and periods as the rollout subgraph gave them, strictly
 * parsed; null when missing or malformed, or when they are not of the practice the patient is
 * registered at now (the rule then shows nothing).
 */
export function practiceAccessOf(patient: PatientModel, context: RecordsContext): PracticeAccess | null {
  const raw = patient.practiceAccess;
  if (!isRecord(raw) || raw.accessOdsCode !== patient.odsCode) return null;
  return parsePracticeAccess(raw, context.now, context.clockToleranceMs);
}

/**
 * The access the patient view is decided on, or an error and nothing shown: when the access
 * data is missing or malformed, or belongs to another practice (the patient moved between the
 * gateway's two calls to this subgraph, so the periods fetched are not their practice's).
 */
export function requirePracticeAccess(patient: PatientModel, context: RecordsContext): PracticeAccess {
  const raw = patient.practiceAccess;
  if (isRecord(raw) && typeof raw.accessOdsCode === 'string' && raw.accessOdsCode !== patient.odsCode) {
    context.logger.warn('practice access data of another practice than the registered one: patient view refused');
    throw conflict('The patient’s registered practice changed during this request, so no entries are shown; ask again');
  }
  const access = practiceAccessOf(patient, context);
  if (access) return access;
  // Null is how the gateway sends access data it could not fetch, or could not use: it knows
  // which, and tells the client a wait (SERVICE_UNAVAILABLE) from a fault (gateway/unavailable-hops.ts).
  if (raw === null) {
    context.logger.warn('practice access data not sent by the gateway: patient view refused');
    throw new DomainError(ErrorCode.Internal, ACCESS_NOT_ESTABLISHED, { gatewayHint: GatewayHint.AccessDataNotFetched });
  }
  context.logger.warn('practice access data missing or malformed: patient view refused');
  throw new DomainError(ErrorCode.Internal, ACCESS_NOT_ESTABLISHED);
}
