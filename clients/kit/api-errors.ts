import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';

/** One error as a frontend acts on it: the stable code, the message to log, the request id to quote. */
export interface ApiError {
  /** `extensions.code` (docs/api.md, "Errors"); `NETWORK_ERROR` when no answer arrived at all. */
  code: string;
  message: string;
  /** The gateway's id of the request (`extensions.requestId`, else the `x-request-id` header). */
  requestId: string | null;
  /** The field the error is about, when the gateway names one. */
  path: readonly (string | number)[] | null;
  /**
   * Seconds to wait before trying again: `extensions.retryAfterSeconds` (RATE_LIMITED), else the
   * Retry-After header of an answer refused whole (429, OVERLOADED, an app's SERVICE_UNAVAILABLE
   * 503). Null for errors in a 200 answer, whose headers Apollo Client does not pass on: back off
   * a second or two.
   */
  retryAfterSeconds: number | null;
}

/** What the browser or Node gives when the request never got an answer (offline, refused by CORS). */
export const NETWORK_ERROR = 'NETWORK_ERROR';

interface WireError {
  message?: unknown;
  path?: unknown;
  extensions?: Record<string, unknown>;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

function fromWire(error: WireError, headerRequestId: string | null, headerRetryAfter: string | null): ApiError {
  const extensions = error.extensions ?? {};
  const retryAfter = extensions.retryAfterSeconds ?? headerRetryAfter;
  return {
    code: text(extensions.code) ?? 'INTERNAL_SERVER_ERROR',
    message: text(error.message) ?? 'Unknown error',
    requestId: text(extensions.requestId) ?? headerRequestId,
    path: Array.isArray(error.path) ? (error.path as (string | number)[]) : null,
    retryAfterSeconds:
      retryAfter === undefined || retryAfter === null || Number.isNaN(Number(retryAfter)) ? null : Number(retryAfter),
  };
}

/** The errors in the body of a non-2xx answer that Apollo Client could not read as GraphQL. */
function bodyErrors(bodyText: string): WireError[] {
  try {
    const body = JSON.parse(bodyText) as { errors?: unknown };
    return Array.isArray(body.errors) ? (body.errors as WireError[]) : [];
  } catch {
    return [];
  }
}

/**
 * Every error Apollo Client reports for an operation, as `ApiError`s: GraphQL errors (HTTP 200,
 * or a GraphQL answer with 4xx/5xx), an HTTP failure whose body still holds GraphQL errors, or
 * no answer at all. Never empty for an error, so a page always has a code to act on.
 */
export function apiErrors(error: unknown): ApiError[] {
  if (CombinedGraphQLErrors.is(error)) {
    return error.errors.map((e) => fromWire(e as WireError, null, null));
  }
  if (ServerError.is(error)) {
    const requestId = error.response.headers.get('x-request-id');
    const retryAfter = error.response.headers.get('retry-after');
    const errors = bodyErrors(error.bodyText);
    if (errors.length) return errors.map((e) => fromWire(e, requestId, retryAfter));
    const code = error.statusCode === 401 ? 'UNAUTHENTICATED' : error.statusCode === 403 ? 'FORBIDDEN' : 'INTERNAL_SERVER_ERROR';
    return [{ code, message: error.message, requestId, path: null, retryAfterSeconds: retryAfter ? Number(retryAfter) : null }];
  }
  const message = error instanceof Error ? error.message : String(error);
  return [{ code: NETWORK_ERROR, message, requestId: null, path: null, retryAfterSeconds: null }];
}
