import { forbidden } from '../../platform/errors';
import type { Viewer, ViewerOf } from '../../platform/viewer';
import type { PatientRow } from './entities/patient';

/**
 * Who may read a patient, as explicit allow rules ending in deny: the patient themself at
 * NHS login P9; an app acting for them at P9 (whose approval and scope are checked against
 * the database as well, see record-access.ts); a clinician of the practice the patient is
 * registered at. Nobody else (nhse, analysts, suppliers never read a record entry).
 */
export function mayReadPatient(viewer: Viewer, patient: PatientRow): boolean {
  switch (viewer.role) {
    case 'patient':
    case 'app':
      return viewer.identityLevel === 'P9' && viewer.nhsNumber === patient.nhsNumber;
    case 'clinician':
      return viewer.odsCode === patient.odsCode;
    default:
      return false;
  }
}

/** One answer for a patient not registered here, whether registered elsewhere or nowhere. */
export const NOT_YOUR_PATIENT = "Only clinicians of the patient's registered practice may do this";

/** The clinician, if the viewer is a clinician of the patient's registered practice. */
export function clinicianOf(viewer: Viewer, patient: PatientRow): ViewerOf<'clinician'> {
  if (viewer.role !== 'clinician' || viewer.odsCode !== patient.odsCode) throw forbidden(NOT_YOUR_PATIENT);
  return viewer;
}

/** Who may read a patient's access log: the patient (P9) and clinicians of the practice; not apps. */
export function mayReadAccessLog(viewer: Viewer, patient: PatientRow): boolean {
  switch (viewer.role) {
    case 'patient':
      return viewer.identityLevel === 'P9' && viewer.nhsNumber === patient.nhsNumber;
    case 'clinician':
      return viewer.odsCode === patient.odsCode;
    default:
      return false;
  }
}

/**
 * Who may look up an app's trusted operation by id: the service role, which only a signed
 * internal request carries (the gateway, before it runs an app's request). Nobody else.
 */
export function mayLookUpTrustedOperations(viewer: Viewer): boolean {
  switch (viewer.role) {
    case 'service':
      return true;
    default:
      return false;
  }
}

/** How the logs name the viewer: role, who, and the app if one acts. */
export function actorOf(viewer: Viewer): { actorRole: string; actorId: string; clientId: string | null } {
  switch (viewer.role) {
    case 'clinician':
      return { actorRole: 'clinician', actorId: `${viewer.odsCode}:${viewer.subject}`, clientId: null };
    case 'app':
      return { actorRole: 'app', actorId: viewer.clientId, clientId: viewer.clientId };
    default:
      return { actorRole: viewer.role, actorId: viewer.subject, clientId: null };
  }
}
