import type { ApolloServerPlugin } from '@apollo/server';
import { DomainError, ErrorCode } from '../platform/errors';
import type { Logger } from '../platform/logger';
import type { GatewayContext } from './gateway-context';

/** The bounds on what one request may return (docs/security.md, "Answer size"). */
export interface AnswerLimits {
  /** One subgraph's answer, counted while it is read; the call is cut past it. */
  subgraphResponseBytes: number;
  /** The gateway's whole answer to the client. */
  responseBytes: number;
}

/** One page of 100 entries of 100,000 ASCII characters fits; the cost limit allows no more text than that. */
export const ANSWER_LIMITS: AnswerLimits = {
  subgraphResponseBytes: 16 * 1024 * 1024,
  responseBytes: 16 * 1024 * 1024,
};

export const ANSWER_TOO_LARGE_MESSAGE = 'The answer is larger than the limit: ask for fewer items or fields';

/** The whole answer when any part of it was over a bound: no partial data, one error, HTTP 400. */
export const answerTooLargeBody = (requestId: string) => ({
  errors: [{ message: ANSWER_TOO_LARGE_MESSAGE, extensions: { code: ErrorCode.ResponseTooLarge, requestId } }],
});

export const answerTooLarge = () =>
  new DomainError(ErrorCode.ResponseTooLarge, ANSWER_TOO_LARGE_MESSAGE, { http: { status: 400 } });

/**
 * Replaces an answer with the refusal alone when a subgraph's answer was cut at its bound
 * (subgraph-data-source.ts marks the context) or a subgraph refused to build more text (records'
 * text budget): the rest of the data would be an answer the client did not ask for. Logged
 * without the operation or its variables.
 */
export function answerSizePlugin(logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors ?? [];
          const refused = contextValue.answerTooLarge || errors.some((e) => e.extensions?.code === ErrorCode.ResponseTooLarge);
          if (!refused) return;
          logger.warn(
            { requestId: contextValue.requestId, role: contextValue.viewer?.role ?? null, from: 'subgraph' },
            'answer refused: larger than the limit',
          );
          response.body.singleResult = answerTooLargeBody(contextValue.requestId);
          response.http.status = 400;
        },
      };
    },
  };
}
