import { forbidden } from '../../../platform/errors';
import { decodeCursor, encodeCursor, pageSize, toConnection } from '../../runtime/pagination';
import { clinicianOf } from '../authorization';
import { accessLogConnection } from './access-log-view';
import { appMutations, appQueries } from './approved-apps';
import { assertClinicianOf, assertMayReadPatient, logAccess, selfReader } from './record-access';
import { isPatientChoice, kindOf } from '../domain/exclusion';
import { isValidNhsNumber } from '../domain/nhs-number';
import { onlineAccess } from '../domain/online-access';
import { availableAt, describeReason } from '../domain/visibility';
import type { Resolvers } from '../generated/graphql';
import { mutations } from './Mutation';
import { checkNhsNumber } from './nhs-number-input';
import { patientFacts, practiceAccessOf, requirePracticeAccess } from './patient-facts';
import { clinicalView, patientView } from './record-views';

export const resolvers: Resolvers = {
  Query: {
    me: async (_parent, _args, context) => {
      const viewer = await selfReader(context);
      return context.loaders.patient.load(viewer.nhsNumber);
    },
    patient: async (_parent, { nhsNumber }, context) => {
      if (context.viewer.role !== 'clinician') throw forbidden('Only clinicians may look a patient up');
      const patient = await context.loaders.patient.load(checkNhsNumber(nhsNumber));
      if (!patient) return null;
      if (context.viewer.odsCode !== patient.odsCode) {
        // An attempt on another practice's patient is audited like any other.
        await logAccess(context, patient.nhsNumber, 'CLINICAL', 0, 'REFUSED');
        clinicianOf(context.viewer, patient);
      }
      return patient;
    },
    patients: async (_parent, { first, after }, context) => {
      const viewer = context.viewer;
      if (viewer.role !== 'clinician') throw forbidden("Only clinicians may list their practice's patients");
      const limit = pageSize(first, 100, 50);
      const cursor = decodeCursor(after, ['string'] as const);
      const rows = await context.records.practicePatients(viewer.odsCode, cursor?.[0] ?? null, limit + 1);
      rows.forEach((row) => context.loaders.patient.prime(row.nhsNumber, row));
      return toConnection(
        rows,
        limit,
        (row) => encodeCursor([row.nhsNumber]),
        (row) => row,
        () => context.records.countPracticePatients(viewer.odsCode),
      );
    },
    ...appQueries,
  },
  Mutation: { ...mutations, ...appMutations },
  Patient: {
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
  },
  RecordEntry: {
    availableAt: (entry) => availableAt(entry),
  },
  ClinicalEntry: {
    id: ({ entry }) => entry.id,
    type: ({ entry }) => entry.type,
    recordedAt: ({ entry }) => entry.recordedAt,
    filedAt: ({ entry }) => entry.filedAt,
    availableAt: ({ entry }) => availableAt(entry),
    title: ({ entry }) => entry.title,
    body: ({ entry }) => entry.body,
    hiddenFromPatient: ({ entry }) => entry.hiddenFromPatient,
    redactionReason: ({ entry }) => entry.hiddenReason,
    visibleToPatient: ({ visibility }) => visibility.visible,
    hiddenReason: ({ visibility }) => (visibility.reasons[0] ? describeReason(visibility.reasons[0]) : null),
    notVisibleBecause: ({ visibility }) => visibility.reasons,
  },
  AccessLogEntry: {
    actor: (row) => row.actorId,
  },
  ExclusionEvent: {
    // An event that cannot be read counts as excluding, as it does in the rule.
    excluded: (event) => {
      const kind = kindOf(event);
      return kind === null || kind === 'EXCLUDED' || kind === 'ACCESS_DECLINED';
    },
    kind: (event) => kindOf(event),
    patientChoice: (event) => {
      const kind = kindOf(event);
      return kind !== null && isPatientChoice(kind);
    },
  },
};
