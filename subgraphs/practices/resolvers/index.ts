import { forbidden, invalidInput, notFound } from '../../../platform/errors';
import { decodeCursor, encodeCursor, pageSize, toConnection } from '../../runtime/pagination';
import { viewerAs } from '../../../platform/viewer';
import type { PracticesContext } from '../context';
import { checkIcbCode, checkOdsCode } from '../../runtime/code-input';
import { isPracticeOdsCode, normalisePostcode } from '../../runtime/ods-code';
import { mayReadMembership } from '../authorization';
import type { PracticeFilter } from '../store/practice-store';
import type { Resolvers } from '../generated/graphql';

const MAX_PAGE = 200;

/** Every signed-in role may read practices and ICBs: they are public reference data. */
function practiceConnection(
  context: PracticesContext,
  filter: PracticeFilter,
  first: number | null | undefined,
  after: string | null | undefined,
) {
  const size = pageSize(first, MAX_PAGE, 50);
  const cursor = decodeCursor(after, ['string'] as const);
  return context.practices.page(filter, cursor?.[0] ?? null, size + 1).then((rows) =>
    toConnection(
      rows,
      size,
      (row) => encodeCursor([row.odsCode]),
      (row) => row,
      () => context.practices.count(filter),
    ),
  );
}

function checkName(value: string, field: string): string {
  const name = value.trim();
  if (name.length < 1 || name.length > 200) throw invalidInput(`${field} must be 1 to 200 characters`, field);
  return name;
}

export const resolvers: Resolvers = {
  Query: {
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
  },
  Mutation: {
    upsertPractice: async (_parent, { input }, context) => {
      const viewer = viewerAs(context.viewer, 'nhse');
      if (!viewer) throw forbidden('Only NHS England may create or change practices');
      const postcode = normalisePostcode(input.postcode);
      if (!postcode) throw invalidInput('postcode is not a UK postcode', 'postcode');
      const icbCode = checkIcbCode(input.icbCode) as string;
      return context.practices.upsert(
        {
          odsCode: checkOdsCode(input.odsCode),
          name: checkName(input.name, 'name'),
          postcode,
          supplier: input.supplier,
          icbCode,
          updatedAt: context.now,
        },
        { code: icbCode, name: checkName(input.icbName, 'icbName') },
      );
    },
  },
  Practice: {
    // An unknown or malformed code resolves to null: the gateway reports the field as missing.
    __resolveReference: (reference, context) =>
      isPracticeOdsCode(reference.odsCode) ? context.loaders.practice.load(reference.odsCode) : null,
    icb: async (practice, _args, context) => {
      const icb = await context.loaders.icb.load(practice.icbCode);
      if (!icb) throw notFound('The practice refers to an ICB that does not exist');
      return icb;
    },
  },
  IntegratedCareBoard: {
    __resolveReference: (reference, context) => context.loaders.icb.load(reference.code),
    practices: (icb, { first, after, supplier, status }, context) =>
      practiceConnection(context, { icbCode: icb.code, supplier, status }, first, after),
  },
};
