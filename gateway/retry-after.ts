import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '../platform/errors';
import type { GatewayContext } from './gateway-context';

/**
 * A rate-limited answer says when to try again: HTTP 429 and `Retry-After`, the longest wait of
 * its RATE_LIMITED errors (their `extensions.retryAfterSeconds`, from records through the
 * masking), so a client's HTTP stack can back off without reading the body.
 */
export function retryAfterPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          let seconds = 0;
          for (const error of response.body.singleResult.errors ?? []) {
            const wait = error.extensions?.retryAfterSeconds;
            if (error.extensions?.code === ErrorCode.RateLimited && typeof wait === 'number') seconds = Math.max(seconds, wait);
          }
          if (seconds > 0) {
            response.http.status = 429;
            response.http.headers.set('retry-after', String(seconds));
          }
        },
      };
    },
  };
}
