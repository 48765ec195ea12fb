import { forbidden, invalidInput, notFound } from '../../../platform/errors';
import { viewerAs } from '../../../platform/viewer';
import { actorOf } from '../authorization';
import type { RecordsContext } from '../context';
import { checkScopes, CLIENT_ID, parseScopes, storeScopes } from '../domain/app-access';
import type { ApprovedAppRow } from '../entities/approved-app';
import type { MutationResolvers, QueryResolvers } from '../generated/graphql';
import type { ApprovedAppModel } from '../models';

function nhse(context: RecordsContext) {
  const viewer = viewerAs(context.viewer, 'nhse');
  if (!viewer) throw forbidden('Only NHS England approves and revokes apps');
  return viewer;
}

function checkClientId(clientId: string): string {
  if (!CLIENT_ID.test(clientId))
    throw invalidInput('clientId must be 1 to 100 letters, digits, dots, dashes or underscores', 'clientId');
  return clientId;
}

const toModel = (row: ApprovedAppRow): ApprovedAppModel => ({ ...row, scopes: parseScopes(row.scopes) });

const change = (context: RecordsContext, action: 'APP_APPROVED' | 'APP_REVOKED', clientId: string) => ({
  at: context.now,
  requestId: context.requestId,
  ...actorOf(context.viewer),
  clientId,
  action,
  nhsNumber: null,
  entryId: null,
});

export const appQueries: Pick<QueryResolvers, 'apps'> = {
  apps: async (_parent, _args, context) => {
    nhse(context);
    return (await context.apps.all()).map(toModel);
  },
};

export const appMutations: Pick<MutationResolvers, 'approveApp' | 'revokeApp'> = {
  approveApp: async (_parent, { clientId, name, scopes }, context) => {
    const viewer = nhse(context);
    const id = checkClientId(clientId);
    const trimmed = name.trim();
    if (trimmed.length < 1 || trimmed.length > 200) throw invalidInput('name must be 1 to 200 characters', 'name');
    const problem = checkScopes(scopes);
    if (problem) throw invalidInput(problem, 'scopes');
    const row: ApprovedAppRow = {
      clientId: id,
      name: trimmed,
      scopes: storeScopes(scopes),
      approvedAt: context.now,
      approvedBy: viewer.subject,
      revokedAt: null,
      revokedBy: null,
    };
    return toModel(await context.apps.approve(row, change(context, 'APP_APPROVED', id)));
  },
  revokeApp: async (_parent, { clientId }, context) => {
    const viewer = nhse(context);
    const id = checkClientId(clientId);
    await context.apps.revoke(id, context.now, viewer.subject, change(context, 'APP_REVOKED', id));
    // Revoking an app already revoked changes nothing and answers as it stands.
    const [row] = await context.apps.byClientIds([id]);
    if (!row) throw notFound('No app has this client id');
    return toModel(row);
  },
};
