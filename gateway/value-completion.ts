import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '../platform/errors';
import type { GatewayContext } from './gateway-context';

/**
 * When a subgraph answers without the data it was asked for and without an error (`{"data":
 * null}`, or an entity without a non-null field), Apollo Gateway nulls the nearest nullable
 * parent and reports the field only as `extensions.valueCompletion`, not as an error: a client
 * would read `me: null` and nothing wrong. This turns each such report into the error it is,
 * INTERNAL_SERVER_ERROR at its path with the fixed message (a subgraph's words never reach the
 * client), and logs it. The data is left as the gateway nulled it: nothing is shown.
 */
export function valueCompletionPlugin(onIncomplete: (paths: unknown[]) => void): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const reports = result.extensions?.valueCompletion;
          if (reports === undefined) return;
          const { valueCompletion: _reported, ...otherExtensions } = result.extensions!;
          result.extensions = Object.keys(otherExtensions).length > 0 ? otherExtensions : undefined;
          const paths = (Array.isArray(reports) ? reports : [reports]).map((report: unknown) => {
            const path = (report as { path?: unknown } | null)?.path;
            return Array.isArray(path) && path.every((key) => typeof key === 'string' || typeof key === 'number')
              ? path
              : undefined;
          });
          onIncomplete(paths);
          result.errors = [
            ...(result.errors ?? []),
            ...paths.map((path) => ({
              message: 'Internal server error',
              ...(path ? { path } : {}),
              extensions: { code: ErrorCode.Internal },
            })),
          ];
        },
      };
    },
  };
}
