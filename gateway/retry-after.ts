import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '../platform/errors';
import type { GatewayContext } from './gateway-context';

/**
 * SERVICE_UNAVAILABLE's wait when nothing says longer: the services' own waits (a lock, a pool,
 * a call's timeout) are a second or two, so a client that comes back after one is not early.
 */
export const UNAVAILABLE_WAIT_SECONDS = 1;

/**
 * Whole seconds a client waits after SERVICE_UNAVAILABLE: a second, or, when the request met an
 * open circuit, until that circuit lets a call through again (sooner would only be refused again).
 */
export const unavailableWaitSeconds = (circuitReopensInMs = 0): number =>
  Math.max(UNAVAILABLE_WAIT_SECONDS, Math.ceil(circuitReopensInMs / 1000));

/** The header of an answer refused whole with a wait (OVERLOADED, an app's lookup unavailable). */
export const retryAfterHeaders = (seconds: number): HeaderMap => new HeaderMap([['retry-after', String(seconds)]]);

/**
 * An answer's wait, from its (masked) errors: the longest of its RATE_LIMITED waits
 * (`extensions.retryAfterSeconds`) and, if it holds SERVICE_UNAVAILABLE, that one's wait.
 * `rateLimited`: the answer is a 429. 0 seconds: no Retry-After.
 */
export function answerWait(
  errors: readonly GraphQLFormattedError[],
  circuitReopensInMs = 0,
): { seconds: number; rateLimited: boolean } {
  let limited = 0;
  let unavailable = false;
  for (const error of errors) {
    const code = error.extensions?.code;
    const wait = error.extensions?.retryAfterSeconds;
    if (code === ErrorCode.RateLimited && typeof wait === 'number') limited = Math.max(limited, wait);
    if (code === ErrorCode.ServiceUnavailable) unavailable = true;
  }
  const seconds = Math.max(limited, unavailable ? unavailableWaitSeconds(circuitReopensInMs) : 0);
  return { seconds, rateLimited: limited > 0 };
}

/**
 * An answer that says "try again" says when, in `Retry-After`, so a client's HTTP stack can back
 * off without reading the body. Rate limited: HTTP 429 and the longest wait of its RATE_LIMITED
 * errors (from records, through the masking). SERVICE_UNAVAILABLE: the status stays as it is (200
 * with the rest of the data, decision 0091) and the header is advice; with both, the longest wait.
 */
export function retryAfterPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const wait = answerWait(response.body.singleResult.errors ?? [], contextValue.circuitReopensInMs);
          if (wait.rateLimited) response.http.status = 429;
          if (wait.seconds > 0) response.http.headers.set('retry-after', String(wait.seconds));
        },
      };
    },
  };
}
