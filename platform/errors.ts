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
  /**
   * A service behind the gateway could not answer in time: a subgraph that did not answer, a
   * circuit open, a database busy or out of connections. Nothing of that part is shown; try again shortly.
   */
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
  /** An app token sent a document, not the id of one of its app's trusted operations (gateway/trusted-operations.ts). */
  PersistedQueryIdRequired: 'PERSISTED_QUERY_ID_REQUIRED',
  /** An app token sent an id that is not among its app's trusted operations now. */
  PersistedQueryNotInList: 'PERSISTED_QUERY_NOT_IN_LIST',
  Internal: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const PUBLIC_CODES = new Set<string>(Object.values(ErrorCode));

/**
 * What a subgraph tells the gateway about a refusal, beside its public code (`extensions.gatewayHint`).
 * The gateway's masking drops it: a client never sees it. ACCESS_DATA_NOT_FETCHED: records was sent
 * no access data for the patient; whether that is a wait or a fault only the gateway knows
 * (gateway/unavailable-hops.ts).
 */
export const GatewayHint = { AccessDataNotFetched: 'ACCESS_DATA_NOT_FETCHED' } as const;
const GATEWAY_HINTS = new Set<unknown>(Object.values(GatewayHint));

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

/** The one message of SERVICE_UNAVAILABLE when nothing more precise may be said (no service, table or query named). */
export const SERVICE_UNAVAILABLE_MESSAGE =
  'The service is busy or briefly unavailable, so this was not answered: try again shortly';
export const serviceUnavailable = (message = SERVICE_UNAVAILABLE_MESSAGE) =>
  new DomainError(ErrorCode.ServiceUnavailable, message);

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

export interface MaskOptions {
  keepSuggestions?: boolean;
  /**
   * Tells a failure that passes with time (a busy database, a subgraph that did not answer) from
   * a fault: such an error becomes SERVICE_UNAVAILABLE with a fixed message, and goes to
   * `onUnavailable` rather than `onUnexpected`. Without it, every unexpected error is a fault.
   */
  unavailable?: (error: unknown) => boolean;
  onUnavailable?: (error: unknown) => void;
}

/**
 * Keeps what a client may see: a public code, the message of a deliberate error, where it
 * happened. Anything unexpected (a driver error, a bug) becomes INTERNAL_SERVER_ERROR with a
 * fixed message, so no SQL, stack or patient data leaves the service; what the caller's
 * `unavailable` recognises becomes SERVICE_UNAVAILABLE instead, so a client can tell "try again"
 * from a fault. `onUnexpected` lets the caller log the real error. A request error never quotes
 * the client's values; its "Did you mean …?" stays only when the caller says so (the gateway,
 * for the Sandbox roles).
 */
export function maskError(
  formatted: GraphQLFormattedError,
  error: unknown,
  onUnexpected: (error: unknown) => void = () => undefined,
  options: MaskOptions = {},
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
      ...(GATEWAY_HINTS.has(formatted.extensions?.gatewayHint) ? { gatewayHint: formatted.extensions!.gatewayHint } : {}),
    },
  });
  if (original instanceof DomainError && typeof code === 'string' && PUBLIC_CODES.has(code)) {
    return keep(code, formatted.message);
  }
  if (typeof code === 'string' && REQUEST_ERROR_CODES[code]) {
    const clean = options.keepSuggestions ? withoutQuotedValues : withoutInputValues;
    return keep(REQUEST_ERROR_CODES[code], clean(formatted.message));
  }
  if (options.unavailable?.(error)) {
    options.onUnavailable?.(original);
    return keep(ErrorCode.ServiceUnavailable, SERVICE_UNAVAILABLE_MESSAGE);
  }
  onUnexpected(original);
  return keep(ErrorCode.Internal, 'Internal server error');
}
