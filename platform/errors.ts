import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { withoutInputValues, withoutQuotedValues } from './input-echo';

/** The stable `extensions.code` values of the public contract. */
export const ErrorCode = {
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  BadUserInput: 'BAD_USER_INPUT',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  RateLimited: 'RATE_LIMITED',
  /** The answer would be larger than the bound on any answer (gateway/answer-size.ts). */
  ResponseTooLarge: 'RESPONSE_TOO_LARGE',
  /** The viewer's share of the gateway is full (gateway/bulkheads.ts); try again shortly. */
  Overloaded: 'OVERLOADED',
  Internal: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const PUBLIC_CODES = new Set<string>(Object.values(ErrorCode));

/** A domain error with a public code. Messages name the problem, never patient data. */
export class DomainError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
  }
}

export const unauthenticated = (message = 'Sign in: a valid bearer token is required') =>
  new DomainError(ErrorCode.Unauthenticated, message, { http: { status: 401 } });
export const forbidden = (message = 'Your role does not allow this') => new DomainError(ErrorCode.Forbidden, message);
export const invalidInput = (message: string, field?: string) =>
  new DomainError(ErrorCode.BadUserInput, message, field ? { field } : {});
export const notFound = (message: string) => new DomainError(ErrorCode.NotFound, message);
export const conflict = (message: string) => new DomainError(ErrorCode.Conflict, message);
export const internal = (message = 'Internal server error') => new DomainError(ErrorCode.Internal, message);

/**
 * A RATE_LIMITED error's wait, in whole seconds (`extensions.retryAfterSeconds`): the gateway
 * answers with it as Retry-After. Anything but a whole number of seconds up to an hour is dropped.
 */
export function retryAfterOf(code: unknown, formatted: GraphQLFormattedError): { retryAfterSeconds?: number } {
  const seconds = formatted.extensions?.retryAfterSeconds;
  return code === ErrorCode.RateLimited && Number.isInteger(seconds) && (seconds as number) >= 1 && (seconds as number) <= 3600
    ? { retryAfterSeconds: seconds as number }
    : {};
}

/** Codes Apollo Server itself raises for malformed requests; they are the client's fault. */
export const REQUEST_ERROR_CODES: Record<string, ErrorCode> = {
  GRAPHQL_PARSE_FAILED: ErrorCode.BadUserInput,
  GRAPHQL_VALIDATION_FAILED: ErrorCode.BadUserInput,
  BAD_USER_INPUT: ErrorCode.BadUserInput,
  BAD_REQUEST: ErrorCode.BadUserInput,
  OPERATION_RESOLUTION_FAILURE: ErrorCode.BadUserInput,
  PERSISTED_QUERY_NOT_FOUND: ErrorCode.BadUserInput,
  PERSISTED_QUERY_NOT_SUPPORTED: ErrorCode.BadUserInput,
};

/**
 * Keeps what a client may see: a public code, the message of a deliberate error, where it
 * happened. Anything unexpected (a driver error, a bug) becomes INTERNAL_SERVER_ERROR with a
 * fixed message, so no SQL, stack or patient data leaves the service. `onUnexpected` lets the
 * caller log the real error. A request error never quotes the client's values; its "Did you
 * mean …?" stays only when the caller says so (the gateway, for the Sandbox roles).
 */
export function maskError(
  formatted: GraphQLFormattedError,
  error: unknown,
  onUnexpected: (error: unknown) => void = () => undefined,
  options: { keepSuggestions?: boolean } = {},
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const code = formatted.extensions?.code;
  const keep = (publicCode: string, message: string): GraphQLFormattedError => ({
    message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: {
      code: publicCode,
      ...(typeof formatted.extensions?.field === 'string' ? { field: formatted.extensions.field } : {}),
      ...retryAfterOf(publicCode, formatted),
    },
  });
  if (original instanceof DomainError && typeof code === 'string' && PUBLIC_CODES.has(code)) {
    return keep(code, formatted.message);
  }
  if (typeof code === 'string' && REQUEST_ERROR_CODES[code]) {
    const clean = options.keepSuggestions ? withoutQuotedValues : withoutInputValues;
    return keep(REQUEST_ERROR_CODES[code], clean(formatted.message));
  }
  onUnexpected(original);
  return keep(ErrorCode.Internal, 'Internal server error');
}
