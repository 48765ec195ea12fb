import { forbidden, invalidInput } from '../../../platform/errors';
import { checkTrustedOperations, type OperationCandidate, type TrustedOperation } from '../../../platform/trusted-operations';
import { viewerAs } from '../../../platform/viewer';
import { actorOf } from '../authorization';
import type { RecordsContext } from '../context';
import { CLIENT_ID, parseScopes } from '../domain/app-access';
import type { ApprovedAppRow } from '../entities/approved-app';
import type { ApprovedAppModel } from '../models';

/** The nhse viewer, or FORBIDDEN: only NHS England approves, revokes and lists apps. */
export function nhseOnly(context: RecordsContext) {
  const viewer = viewerAs(context.viewer, 'nhse');
  if (!viewer) throw forbidden('Only NHS England approves and revokes apps');
  return viewer;
}

export function checkClientId(clientId: string): string {
  if (!CLIENT_ID.test(clientId))
    throw invalidInput('clientId must be 1 to 100 letters, digits, dots, dashes or underscores', 'clientId');
  return clientId;
}

/** The operations nhse registers for an app, checked whole (platform/trusted-operations.ts), or BAD_USER_INPUT. */
export function checkOperations(operations: readonly OperationCandidate[]): TrustedOperation[] {
  const problem = checkTrustedOperations(operations);
  if (problem) throw invalidInput(problem, 'operations');
  return operations.map(({ id, name, body }) => ({ id, name, type: 'query', body }));
}

export const toAppModel = (row: ApprovedAppRow): ApprovedAppModel => ({ ...row, scopes: parseScopes(row.scopes) });

/** The change-log row of an approval or a revocation. */
export const appChange = (context: RecordsContext, action: 'APP_APPROVED' | 'APP_REVOKED', clientId: string) => ({
  at: context.now,
  requestId: context.requestId,
  ...actorOf(context.viewer),
  clientId,
  action,
  nhsNumber: null,
  entryId: null,
});
