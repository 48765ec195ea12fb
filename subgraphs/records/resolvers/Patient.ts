import { clinicianOf } from '../authorization';
import { isValidNhsNumber } from '../domain/nhs-number';
import { onlineAccess } from '../domain/online-access';
import type { PatientResolvers } from '../generated/graphql';
import { accessLogConnection } from './access-log-view';
import { patientFacts, practiceAccessOf, requirePracticeAccess } from './patient-facts';
import { assertClinicianOf, assertMayReadPatient } from './record-access';
import { clinicalView, patientView } from './record-views';

export const Patient: PatientResolvers = {
  // The gateway comes here with the access data it fetched from rollout (@requires). The
  // viewer is checked again: a representation grants nothing by itself.
  __resolveReference: async (reference, context) => {
    const nhsNumber =
      typeof reference.nhsNumber === 'string' && isValidNhsNumber(reference.nhsNumber) ? reference.nhsNumber : null;
    const patient = nhsNumber ? await context.loaders.patient.load(nhsNumber) : null;
    if (!patient) return null;
    await assertMayReadPatient(context, patient, 'PATIENT');
    const { registeredPractice } = reference as { registeredPractice?: unknown };
    return { ...patient, practiceAccess: registeredPractice };
  },
  registeredPractice: (patient) => ({ odsCode: patient.odsCode }),
  onlineAccess: async (patient, _args, context) => {
    await assertMayReadPatient(context, patient, 'PATIENT');
    const access = requirePracticeAccess(patient, context);
    return onlineAccess(await patientFacts(patient, context), access, context.now, context.clockToleranceMs);
  },
  record: async (patient, args, context) => {
    await assertMayReadPatient(context, patient, 'PATIENT');
    const access = requirePracticeAccess(patient, context);
    return patientView(patient, await patientFacts(patient, context), access, args, context);
  },
  clinicalRecord: async (patient, args, context) => {
    await assertClinicianOf(context, patient);
    // Missing access data does not hide the record from its clinicians; every entry then
    // shows as not visible to the patient (ACCESS_DATA_UNAVAILABLE).
    return clinicalView(patient, await patientFacts(patient, context), practiceAccessOf(patient, context), args, context);
  },
  excludedFromOnlineAccess: async (patient, _args, context) => {
    clinicianOf(context.viewer, patient);
    return (await patientFacts(patient, context)).exclusion.excluded;
  },
  excludedByClinician: async (patient, _args, context) => {
    clinicianOf(context.viewer, patient);
    return (await patientFacts(patient, context)).exclusion.byClinician;
  },
  onlineAccessDeclinedByPatient: async (patient, _args, context) => {
    clinicianOf(context.viewer, patient);
    return (await patientFacts(patient, context)).exclusion.declinedByPatient;
  },
  exclusionHistory: async (patient, _args, context) => {
    clinicianOf(context.viewer, patient);
    return context.loaders.exclusions.load(patient.nhsNumber);
  },
  accessLog: (patient, args, context) => accessLogConnection(patient, args, context),
};
