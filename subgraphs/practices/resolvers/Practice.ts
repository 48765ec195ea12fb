import { notFound } from '../../../platform/errors';
import { isPracticeOdsCode } from '../../runtime/ods-code';
import type { PracticeResolvers } from '../generated/graphql';

export const Practice: PracticeResolvers = {
  // An unknown or malformed code resolves to null: the gateway reports the field as missing.
  __resolveReference: (reference, context) =>
    isPracticeOdsCode(reference.odsCode) ? context.loaders.practice.load(reference.odsCode) : null,
  icb: async (practice, _args, context) => {
    const icb = await context.loaders.icb.load(practice.icbCode);
    if (!icb) throw notFound('The practice refers to an ICB that does not exist');
    return icb;
  },
};
