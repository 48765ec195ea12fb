import type { GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { BaseContext } from '@apollo/server';

/**
 * The error codes of an answer as the client receives them: its formatted (masked) errors, so a
 * figure or a log line says SERVICE_UNAVAILABLE or BAD_USER_INPUT, not Apollo's or a driver's own
 * code that the client never saw. The raw errors only when the answer has no single body.
 */
export function answeredErrorCodes<C extends BaseContext>(context: GraphQLRequestContextWillSendResponse<C>): unknown[] {
  const body = context.response.body;
  const errors = body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
  return (errors ?? context.errors ?? []).map((error) => error.extensions?.code);
}
