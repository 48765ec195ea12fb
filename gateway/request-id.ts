import { AsyncLocalStorage } from 'node:async_hooks';
import type { GraphQLFormattedError } from 'graphql';

/**
 * The request id (x-request-id, the logs) in every error a client receives, so a report names
 * the request. Apollo formats some errors before any context exists (CSRF, no token, the
 * gateway full), so the id is carried by the request's async scope rather than its context.
 */
const scope = new AsyncLocalStorage<string>();

/** Runs `work` as part of request `requestId`: errors formatted meanwhile carry it. */
export function inRequest<T>(requestId: string, work: () => Promise<T>): Promise<T> {
  return scope.run(requestId, work);
}

/** The id of the request being served, for a log line written outside its context. */
export function currentRequestId(): string | undefined {
  return scope.getStore();
}

/** The error with `extensions.requestId` of the request being served (unchanged outside one). */
export function withRequestId(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const requestId = scope.getStore();
  return requestId === undefined ? formatted : { ...formatted, extensions: { ...formatted.extensions, requestId } };
}
