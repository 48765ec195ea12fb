import { forbidden, invalidInput } from '../../../platform/errors';
import { viewerAs } from '../../../platform/viewer';
import { checkIcbCode, checkOdsCode } from '../../runtime/code-input';
import { normalisePostcode } from '../../runtime/ods-code';
import type { MutationResolvers } from '../generated/graphql';

function checkName(value: string, field: string): string {
  const name = value.trim();
  if (name.length < 1 || name.length > 200) throw invalidInput(`${field} must be 1 to 200 characters`, field);
  return name;
}

export const Mutation: MutationResolvers = {
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
};
