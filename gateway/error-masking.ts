import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode, maskError, retryAfterOf } from '../platform/errors';
import { namingTheTokenLimit } from './request-limits';
import { isSubgraphUnavailable } from './subgraph-unavailable';

/**
 * The gateway masks as well: a subgraph's deliberate errors (FORBIDDEN, NOT_FOUND, ...) pass
 * with their messages, SERVICE_UNAVAILABLE among them (its database was busy); a subgraph
 * that did not answer in time, could not be reached, is behind an open circuit or answered
 * 502/503/504 becomes SERVICE_UNAVAILABLE with a fixed message (subgraph-unavailable.ts);
 * anything else, such as a 500 or a refused signature, becomes INTERNAL_SERVER_ERROR. The
 * subgraph's name (extensions.serviceName), URLs and stacks never reach the client. The
 * gateway's own refusals (request limits, validation, introspection) are not from a subgraph
 * and keep their code and message; `keepSuggestions` is decided per request (schema-discovery.ts).
 * A RATE_LIMITED error keeps its wait (`retryAfterSeconds`), which becomes Retry-After (retry-after.ts).
 */
const PASS_FROM_SUBGRAPHS = new Set<string>([
  ErrorCode.Forbidden,
  ErrorCode.BadUserInput,
  ErrorCode.NotFound,
  ErrorCode.Conflict,
  ErrorCode.RateLimited,
  ErrorCode.ResponseTooLarge,
  ErrorCode.Overloaded,
  ErrorCode.ServiceUnavailable,
]);

export function maskGatewayError(
  formatted: GraphQLFormattedError,
  error: unknown,
  onUnexpected: (error: unknown) => void,
  options: { keepSuggestions?: boolean; onUnavailable?: (error: unknown) => void } = {},
): GraphQLFormattedError {
  const fromSubgraph = formatted.extensions?.serviceName !== undefined;
  if (!fromSubgraph) {
    const masked = maskError(formatted, error, onUnexpected, { ...options, unavailable: isSubgraphUnavailable });
    return { ...masked, message: namingTheTokenLimit(masked.message) };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PASS_FROM_SUBGRAPHS.has(code)) {
    return {
      message: formatted.message,
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: {
        code,
        ...(typeof formatted.extensions?.field === 'string' ? { field: formatted.extensions.field } : {}),
        ...retryAfterOf(code, formatted),
      },
    };
  }
  onUnexpected(error);
  return {
    message: 'Internal server error',
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: ErrorCode.Internal },
  };
}
