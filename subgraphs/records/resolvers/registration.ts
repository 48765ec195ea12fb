import { conflict, DomainError, ErrorCode, forbidden, invalidInput } from '../../../platform/errors';
import type { ViewerOf } from '../../../platform/viewer';
import { actorOf } from '../authorization';
import type { RecordsContext } from '../context';
import { REGISTRATION_REFUSALS, registrationRefusalKey } from '../domain/refusal-limits';
import type { AccessLogRow } from '../entities/access-log';
import type { PatientRow } from '../entities/patient';
import type { RegisterPatientInput } from '../generated/graphql';
import { isPracticeOdsCode } from '../../runtime/ods-code';
import { changeBy } from './change-row';
import { checkNhsNumber } from './nhs-number-input';
import { logAccess } from './record-access';

/**
 * Registering and moving patients (decision 0030). A clinician registers only a patient
 * registered nowhere; a move between practices comes only from the national registration
 * service. A clinician's refusals all read alike, are logged, and are limited per clinician.
 */

/** One answer for every refused registerPatient: it never says whether the patient exists or the date matched. */
const REGISTRATION_REFUSED =
  'This patient cannot be registered here by a clinician; a move from another practice comes from the national registration service';

/** Today's date in England, to refuse a date of birth in the future. */
const londonToday = (now: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(now);

/** The checks of the input that reveal nothing about any patient. */
function checkInput(input: RegisterPatientInput, now: Date) {
  const nhsNumber = checkNhsNumber(input.nhsNumber, 'input.nhsNumber');
  if (!isPracticeOdsCode(input.odsCode)) throw invalidInput('ODS code must be one letter and five digits', 'input.odsCode');
  if (input.dateOfBirth > londonToday(now)) throw invalidInput('Date of birth is in the future', 'input.dateOfBirth');
  return { nhsNumber, odsCode: input.odsCode, dateOfBirth: input.dateOfBirth };
}

/** Logs a clinician's refused registration (on the patient's log too when one exists) and throws. */
async function refuseRegistration(context: RecordsContext, existing: PatientRow | null): Promise<never> {
  context.logger.warn({ actorRole: 'clinician' }, 'refused registerPatient');
  if (existing) await logAccess(context, existing.nhsNumber, 'CLINICAL', 0, 'REFUSED');
  throw forbidden(REGISTRATION_REFUSED);
}

export async function registerPatient(
  context: RecordsContext,
  viewer: ViewerOf<'clinician'>,
  input: RegisterPatientInput,
): Promise<PatientRow> {
  const { nhsNumber, odsCode, dateOfBirth } = checkInput(input, context.now);
  // Every attempt takes a slot before anything is looked up, so concurrent attempts cannot pass
  // the limit together; an attempt that is not refused gives its slot back.
  const key = registrationRefusalKey(actorOf(viewer).actorId);
  const attempts = await context.attempts.add(key, context.now, REGISTRATION_REFUSALS.windowMs);
  if (attempts > REGISTRATION_REFUSALS.limit) {
    context.logger.warn({ actorRole: 'clinician' }, 'registerPatient refused: too many refused registrations');
    throw new DomainError(
      ErrorCode.RateLimited,
      'Too many refused registrations from this clinician; registering is paused for up to an hour',
    );
  }
  if (odsCode !== viewer.odsCode) return refuseRegistration(context, null);
  let existing: PatientRow | null;
  try {
    existing = await context.loaders.patient.load(nhsNumber);
  } catch (error) {
    await context.attempts.giveBack(key);
    throw error;
  }
  if (existing && existing.odsCode !== viewer.odsCode) return refuseRegistration(context, existing);
  await context.attempts.giveBack(key);
  if (existing) throw conflict('The patient is already registered at this practice');
  const patient = { nhsNumber, odsCode, dateOfBirth, registeredAt: context.now };
  if (!(await context.records.registerNew(patient, changeBy(context, viewer, 'PATIENT_REGISTERED', nhsNumber)))) {
    throw conflict('The patient was registered by someone else at the same moment; look them up again');
  }
  context.loaders.patient.clear(nhsNumber).prime(nhsNumber, patient);
  return patient;
}

/**
 * The national registration service registers a patient at a practice, moving them from any
 * other: visibility then counts from now, and the patient's access log shows the move.
 */
export async function transferRegistration(context: RecordsContext, input: RegisterPatientInput): Promise<PatientRow> {
  const viewer = context.viewer;
  if (viewer.role !== 'registration') throw forbidden('Only the national registration service moves patients between practices');
  const { nhsNumber, odsCode, dateOfBirth } = checkInput(input, context.now);
  const existing = await context.loaders.patient.load(nhsNumber);
  if (existing?.odsCode === odsCode) throw conflict('The patient is already registered at this practice');
  if (existing && existing.dateOfBirth !== dateOfBirth) {
    throw invalidInput('Date of birth does not match the patient already on record', 'input.dateOfBirth');
  }
  const patient = { nhsNumber, odsCode, dateOfBirth, registeredAt: context.now };
  // Both writes are conditional, so two registrations racing cannot both win.
  const written = existing
    ? await context.records.move(patient, existing, changeBy(context, viewer, 'PATIENT_MOVED', nhsNumber), movedRow(context))
    : await context.records.registerNew(patient, changeBy(context, viewer, 'PATIENT_REGISTERED', nhsNumber));
  if (!written) throw conflict('The patient was registered by someone else at the same moment; look them up again');
  context.loaders.patient.clear(nhsNumber).prime(nhsNumber, patient);
  return patient;

  function movedRow(ctx: RecordsContext): AccessLogRow {
    return {
      at: ctx.now,
      requestId: ctx.requestId,
      ...actorOf(viewer),
      appName: null,
      nhsNumber,
      view: 'CLINICAL',
      entryCount: 0,
      outcome: 'MOVED',
    };
  }
}
