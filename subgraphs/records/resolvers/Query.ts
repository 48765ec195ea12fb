import { forbidden } from '../../../platform/errors';
import { decodeCursor, encodeCursor, pageSize, toConnection } from '../../runtime/pagination';
import { mayLookUpTrustedOperations, NOT_YOUR_PATIENT } from '../authorization';
import type { QueryResolvers } from '../generated/graphql';
import { OPERATION_ID } from '../../../platform/trusted-operations';
import { CLIENT_ID } from '../domain/app-access';
import { nhseOnly, toAppModel } from './app-approval';
import { checkNhsNumber } from './nhs-number-input';
import { refuse, selfReader } from './record-access';

export const Query: QueryResolvers = {
  me: async (_parent, _args, context) => {
    const viewer = await selfReader(context);
    return context.loaders.patient.load(viewer.nhsNumber);
  },
  patient: async (_parent, { nhsNumber }, context) => {
    if (context.viewer.role !== 'clinician') throw forbidden('Only clinicians may look a patient up');
    const patient = await context.loaders.patient.load(checkNhsNumber(nhsNumber));
    if (patient?.odsCode === context.viewer.odsCode) return patient;
    // Registered elsewhere or nowhere: one answer, so a lookup never tells whether a number exists.
    if (!patient) context.logger.warn({ actorRole: 'clinician' }, 'refused lookup of a patient not registered here');
    return refuse(context, patient ?? null, 'CLINICAL', forbidden(NOT_YOUR_PATIENT));
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
  trustedOperation: async (_parent, { clientId, id }, context) => {
    if (!mayLookUpTrustedOperations(context.viewer)) throw forbidden('Only the gateway looks up trusted operations');
    // Ids are SHA-256 hex and client ids are short: anything else names no operation, and costs no query.
    if (!OPERATION_ID.test(id) || !CLIENT_ID.test(clientId)) return null;
    return context.apps.trustedBody(clientId, id);
  },
};
