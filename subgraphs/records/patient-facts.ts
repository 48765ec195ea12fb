import { DomainError, ErrorCode } from '../common/errors';
import type { RecordsContext } from './context';
import { isExcluded } from './domain/exclusion';
import { parsePracticeAccess, type PracticeAccess } from './domain/practice-access';
import type { PatientFacts } from './domain/visibility';
import { exclusionFacts } from './records-store';
import type { PatientModel } from './models';

/** The patient's facts the rule needs: birth date, registration, exclusion (latest code wins). */
export async function patientFacts(patient: PatientModel, context: RecordsContext): Promise<PatientFacts> {
  const events = await context.loaders.exclusions.load(patient.nhsNumber);
  return { dateOfBirth: patient.dateOfBirth, registeredAt: patient.registeredAt, excluded: isExcluded(exclusionFacts(events)) };
}

/**
 * The practice's access status and periods as the rollout subgraph gave them, strictly
 * parsed; null when missing or malformed (the rule then shows nothing).
 */
export function practiceAccessOf(patient: PatientModel, context: RecordsContext): PracticeAccess | null {
  return parsePracticeAccess(patient.practiceAccess, context.now);
}

/** Raised when the patient view cannot be built: the client gets an error and no entries. */
export function accessDataUnavailable(context: RecordsContext): DomainError {
  context.logger.warn('practice access data missing or malformed: patient view refused');
  return new DomainError(ErrorCode.Internal, "The practice's access status could not be established, so no entries are shown");
}
