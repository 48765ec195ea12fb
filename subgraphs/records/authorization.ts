import { forbidden } from '../common/errors';
import type { Viewer, ViewerOf } from '../common/viewer';
import type { PatientRow } from './entities/patient';

/** The scope an app needs to read the patient view (SMART on FHIR's spirit). */
export const RECORD_READ_SCOPE = 'record:read';

/**
 * Who may read a patient, as explicit allow rules ending in deny: the patient themself at
 * NHS login P9; an app acting for them at P9 holding record:read; a clinician of the
 * practice the patient is registered at. Nobody else (nhse, analysts, suppliers never read
 * a record entry).
 */
export function mayReadPatient(viewer: Viewer, patient: PatientRow): boolean {
  switch (viewer.role) {
    case 'patient':
      return viewer.identityLevel === 'P9' && viewer.nhsNumber === patient.nhsNumber;
    case 'app':
      return viewer.identityLevel === 'P9' && viewer.nhsNumber === patient.nhsNumber && viewer.scopes.includes(RECORD_READ_SCOPE);
    case 'clinician':
      return viewer.odsCode === patient.odsCode;
    default:
      return false;
  }
}

export function assertMayReadPatient(viewer: Viewer, patient: PatientRow): void {
  if (!mayReadPatient(viewer, patient)) throw forbidden('You may not read this patient');
}

/** The clinician, if the viewer is a clinician of the patient's registered practice. */
export function clinicianOf(viewer: Viewer, patient: PatientRow): ViewerOf<'clinician'> {
  if (viewer.role !== 'clinician' || viewer.odsCode !== patient.odsCode) {
    throw forbidden("Only clinicians of the patient's registered practice may do this");
  }
  return viewer;
}

/** The patient or app viewer reading their own record; P9 and, for apps, the scope required. */
export function selfReader(viewer: Viewer): ViewerOf<'patient' | 'app'> {
  if (viewer.role !== 'patient' && viewer.role !== 'app') throw forbidden('Only patient and app tokens have a "me"');
  if (viewer.identityLevel !== 'P9') throw forbidden('Reading a GP record needs NHS login identity level P9');
  if (viewer.role === 'app' && !viewer.scopes.includes(RECORD_READ_SCOPE)) {
    throw forbidden(`The app's token lacks the ${RECORD_READ_SCOPE} scope`);
  }
  return viewer;
}
