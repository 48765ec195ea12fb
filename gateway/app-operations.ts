import type { ApolloServerPlugin } from '@apollo/server';
import { appMayRun } from '../platform/app-reads';
import { DomainError, ErrorCode } from '../platform/errors';
import type { GatewayContext } from './gateway-context';

export const APP_REFUSAL = 'An app token may only read `me` (the patient view)';

/**
 * Refuses anything but `me` to an app token before the query is planned, so no subgraph is
 * called. The subgraphs refuse the `app` role too; this is the second line, and it keeps a
 * hostile app from spending subgraph work. Other roles pass untouched.
 *
 * HTTP 403: Apollo Server answers an error thrown here with 500 unless the error names a
 * status, and 500 would read as our failure. The whole request is refused, as a missing token
 * is with 401, so it says 403 (with `extensions.code` FORBIDDEN, as every refusal does).
 */
export function appOperationsPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      if (contextValue.viewer?.role !== 'app') return;
      return {
        async didResolveOperation({ document, operation }) {
          // Apollo Server has always resolved the operation by now; if not, refuse rather than guess.
          if (!operation || !appMayRun(document, operation)) {
            throw new DomainError(ErrorCode.Forbidden, APP_REFUSAL, { http: { status: 403 } });
          }
        },
      };
    },
  };
}
