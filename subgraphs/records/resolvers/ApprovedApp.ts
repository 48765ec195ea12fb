import type { ApprovedAppResolvers } from '../generated/graphql';
import { nhseOnly } from './app-approval';

export const ApprovedApp: ApprovedAppResolvers = {
  // Only nhse reaches an app (apps, approveApp, revokeApp); checked again here, as each resolver starts from deny.
  operations: async (app, _args, context) => {
    nhseOnly(context);
    const rows = await context.apps.operations(app);
    return rows.map(({ id, name, type, body }) => ({ id, name, type, body }));
  },
};
