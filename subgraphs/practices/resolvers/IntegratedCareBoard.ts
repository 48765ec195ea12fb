import type { IntegratedCareBoardResolvers } from '../generated/graphql';
import { practiceConnection } from './practice-connection';

export const IntegratedCareBoard: IntegratedCareBoardResolvers = {
  __resolveReference: (reference, context) => context.loaders.icb.load(reference.code),
  practices: (icb, { first, after, supplier, status }, context) =>
    practiceConnection(context, { icbCode: icb.code, supplier, status }, first, after),
};
