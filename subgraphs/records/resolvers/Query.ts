import { forbidden } from '../../../platform/errors';
import { decodeCursor, encodeCursor, pageSize, toConnection } from '../../runtime/pagination';
import { clinicianOf } from '../authorization';
import type { QueryResolvers } from '../generated/graphql';
import { nhseOnly, toAppModel } from './app-approval';
import { checkNhsNumber } from './nhs-number-input';
import { logAccess, selfReader } from './record-access';

export const Query: QueryResolvers = {
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
  apps: async (_parent, _args, context) => {
    nhseOnly(context);
    return (await context.apps.all()).map(toAppModel);
  },
};
