import { forbidden } from '../../../platform/errors';
import { checkIcbCode, checkOdsCode } from '../../runtime/code-input';
import { mayReadMembership } from '../authorization';
import type { QueryResolvers } from '../generated/graphql';
import { practiceConnection } from './practice-connection';

export const Query: QueryResolvers = {
  practice: (_parent, { odsCode }, context) => context.loaders.practice.load(checkOdsCode(odsCode)),
  practices: (_parent, { first, after, icbCode, supplier, status }, context) =>
    practiceConnection(context, { icbCode: checkIcbCode(icbCode), supplier, status }, first, after),
  integratedCareBoards: (_parent, _args, context) => context.practices.allIcbs(),
  integratedCareBoard: (_parent, { code }, context) => context.loaders.icb.load(checkIcbCode(code, 'code') ?? ''),
  practiceMembership: (_parent, { supplier, icbCode }, context) => {
    if (!mayReadMembership(context.viewer)) throw forbidden('Practice membership is for the rollout service only');
    return context.practices.membership({ supplier, icbCode: checkIcbCode(icbCode) });
  },
  practiceDirectoryVersion: (_parent, _args, context) => {
    if (!mayReadMembership(context.viewer)) throw forbidden('The practice directory version is for the rollout service only');
    return context.practices.directoryVersion();
  },
};
