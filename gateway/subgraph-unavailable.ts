import { GraphQLError } from 'graphql';
import { AnswerCut, CallTimeout } from './connection-pool';
import { SubgraphUnavailable } from './signed-fetcher';

/** A subgraph's answer that says "not now" (its proxy or itself): the gateway retries these once already. */
const UNAVAILABLE_STATUS = new Set([502, 503, 504]);
/** The subgraph could not be reached, or the connection was cut. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

function statusOf(error: GraphQLError): unknown {
  const response = error.extensions?.response;
  return typeof response === 'object' && response !== null ? (response as { status?: unknown }).status : undefined;
}

/**
 * A call to a subgraph that got no usable answer for a reason that passes with time: it timed
 * out, its circuit is open, it could not be reached, or it answered 502/503/504. The client is
 * told SERVICE_UNAVAILABLE (try again shortly) rather than INTERNAL_SERVER_ERROR. Anything else
 * (a 500, an answer that is not GraphQL) stays a fault. Walks Apollo's wrapping (`originalError`).
 */
export function isSubgraphUnavailable(error: unknown): boolean {
  let current: unknown = error;
  // Any object, not only `instanceof Error`: Node's own socket errors may come from another realm.
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    if (current instanceof CallTimeout || current instanceof SubgraphUnavailable || current instanceof AnswerCut) return true;
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (current instanceof GraphQLError) {
      const status = statusOf(current);
      if (typeof status === 'number' && UNAVAILABLE_STATUS.has(status)) return true;
      current = current.originalError;
    } else {
      current = cause;
    }
  }
  return false;
}
