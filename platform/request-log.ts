import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Logger } from './logger';

/**
 * Logs each operation's name, duration and error codes, with what `fieldsOf` picks from the
 * request's context (its id, the caller's role): never variables or data.
 */
export function requestLogPlugin<C extends BaseContext>(
  logger: Logger,
  fieldsOf: (context: C) => Record<string, unknown>,
): ApolloServerPlugin<C> {
  return {
    async requestDidStart({ contextValue }) {
      // Below info (LOG_LEVEL=warn, as in production and the benchmarks) nothing would be written: no hook at all.
      if (!logger.isLevelEnabled('info')) return;
      const started = performance.now();
      return {
        async willSendResponse({ operationName, errors }) {
          logger.info(
            {
              ...fieldsOf(contextValue),
              operationName: operationName ?? null,
              ms: Math.round(performance.now() - started),
              errors: errors?.map((e) => e.extensions?.code ?? 'UNKNOWN'),
            },
            'operation',
          );
        },
      };
    },
  };
}
