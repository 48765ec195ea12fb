import type { HTTPGraphQLRequest } from '@apollo/server';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { Clock } from '../platform/clock';
import { DomainError, ErrorCode, SERVICE_UNAVAILABLE_MESSAGE } from '../platform/errors';
import type { Logger } from '../platform/logger';
import { VIEWER_HEADER } from '../platform/request-signature';
import { OPERATION_ID, operationId } from '../platform/trusted-operations';
import { encodeViewer, type ViewerOf } from '../platform/viewer';
import { shareOf } from './bulkheads';
import { retryAfterHeaders, unavailableWaitSeconds } from './retry-after';
import { SHARE_HEADER, SubgraphUnavailable } from './signed-fetcher';
import { isSubgraphUnavailable } from './subgraph-unavailable';
import { saysUnavailable } from './unavailable-hops';

/** How long an app's "this id is in your list" is kept: a replaced list takes effect within it. */
export const TRUSTED_OPERATION_CACHE_MS = 1000;
/** Kept answers at most; past it the oldest go first. */
const MAX_KEPT = 10_000;

const LOOKUP = 'query TrustedOperation($c: ID!, $i: ID!) { trustedOperation(clientId: $c, id: $i) }';

/**
 * Records could not say whether the operation is the app's: nothing runs (fail closed), as when a
 * subgraph is down. `unavailable`: records did not answer in time or said it was busy, a wait
 * (SERVICE_UNAVAILABLE) rather than a fault; `circuitReopensInMs`: records' circuit was open for that long.
 */
export class LookupFailed extends Error {
  constructor(
    message: string,
    readonly unavailable = false,
    readonly circuitReopensInMs = 0,
  ) {
    super(message);
  }
}

const UNAVAILABLE_STATUS = new Set([502, 503, 504]);

/**
 * Asks the records subgraph (which keeps each app's list with its approval) for the body of an
 * app's trusted operation, over a signed request as the internal service role: the field is
 * @inaccessible, not in the public API. A found body is kept for `cacheMs` on the gateway's
 * clock (an id's body never changes, only whether the list in force holds it); a miss is never
 * kept, so an operation registered now runs on the next request. Concurrent asks of one
 * (app, id) share one call.
 */
export class TrustedOperationLookup {
  private readonly kept = new Map<string, { body: string; until: number }>();
  private readonly asking = new Map<string, Promise<string | null>>();
  private readonly viewer = encodeViewer({ role: 'service', subject: 'gateway' });

  constructor(
    private readonly url: string,
    private readonly fetcher: Fetcher,
    private readonly clock: Clock,
    private readonly cacheMs = TRUSTED_OPERATION_CACHE_MS,
  ) {}

  body(clientId: string, id: string, requestId: string): Promise<string | null> {
    const key = `${clientId}\n${id}`;
    const kept = this.kept.get(key);
    if (kept && kept.until > this.clock.now().getTime()) return Promise.resolve(kept.body);
    this.kept.delete(key);
    let asking = this.asking.get(key);
    if (!asking) {
      asking = this.ask(clientId, id, requestId).finally(() => this.asking.delete(key));
      this.asking.set(key, asking);
    }
    return asking;
  }

  private async ask(clientId: string, id: string, requestId: string): Promise<string | null> {
    const body = JSON.stringify({ query: LOOKUP, variables: { c: clientId, i: id } });
    let answer: { data?: { trustedOperation?: unknown } | null; errors?: unknown[] };
    try {
      const response = await this.fetcher(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [VIEWER_HEADER]: this.viewer,
          [SHARE_HEADER]: shareOf('app'),
          'x-request-id': requestId,
        },
        body,
      });
      if (!response.ok)
        throw new LookupFailed(`records answered HTTP ${response.status}`, UNAVAILABLE_STATUS.has(response.status));
      answer = (await response.json()) as typeof answer;
    } catch (error) {
      if (error instanceof LookupFailed) throw error;
      const reopensInMs = error instanceof SubgraphUnavailable ? error.reopensInMs : 0;
      throw new LookupFailed('records did not answer', isSubgraphUnavailable(error), reopensInMs);
    }
    const found = answer.data?.trustedOperation;
    if (answer.errors?.length || (found !== null && typeof found !== 'string'))
      throw new LookupFailed('records gave no usable answer', saysUnavailable(answer));
    // Records' answer is checked, not trusted: the body must be the one its id names.
    if (found === null || operationId(found) !== id) return null;
    if (this.cacheMs > 0) {
      if (this.kept.size >= MAX_KEPT) this.kept.delete(this.kept.keys().next().value!);
      this.kept.set(`${clientId}\n${id}`, { body: found, until: this.clock.now().getTime() + this.cacheMs });
    }
    return found;
  }
}

export const ID_REQUIRED =
  'An app runs only its registered operations: send the operation id (extensions.persistedQuery.sha256Hash), not a document';
export const NOT_IN_LIST = "This operation id is not among the app's registered operations";
export const QUERY_NOT_ITS_ID = 'The query sent is not the one its operation id names';

const refusal = (code: ErrorCode, message: string) => new DomainError(code, message, { http: { status: 400 } });

interface PersistedQuery {
  version: 1;
  sha256Hash: string;
}
const isPersistedQuery = (value: unknown): value is PersistedQuery =>
  typeof value === 'object' &&
  value !== null &&
  (value as PersistedQuery).version === 1 &&
  typeof (value as PersistedQuery).sha256Hash === 'string';

/** What an app sent: the document's text, if any, and its extensions. */
interface Sent {
  query: unknown;
  extensions: Record<string, unknown>;
}

/** The query and extensions of a POST body or a GET's search (null: neither is well formed). */
function sentIn(request: HTTPGraphQLRequest): Sent | null {
  if (request.method === 'GET') {
    const params = new URLSearchParams(request.search);
    let extensions: unknown;
    try {
      extensions = JSON.parse(params.get('extensions') ?? '{}');
    } catch {
      return null;
    }
    return isRecord(extensions) ? { query: params.get('query') ?? undefined, extensions } : null;
  }
  if (!isRecord(request.body)) return null;
  const { query, extensions = {} } = request.body;
  return isRecord(extensions) ? { query, extensions } : null;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The request as if the app had sent `body` itself: Apollo's own persisted queries (off) never see the id. */
function runAsSent(request: HTTPGraphQLRequest, body: string, extensions: Record<string, unknown>): void {
  if (request.method === 'GET') {
    const params = new URLSearchParams(request.search);
    params.set('query', body);
    if (Object.keys(extensions).length > 0) params.set('extensions', JSON.stringify(extensions));
    else params.delete('extensions');
    request.search = params.toString();
  } else {
    request.body = { ...(request.body as Record<string, unknown>), query: body, extensions };
  }
}

/**
 * An app token runs only its app's trusted operations, sent by id as Apollo Client's
 * persisted-query link sends them (`extensions.persistedQuery: { version: 1, sha256Hash }`,
 * by POST or GET). A document without an id is PERSISTED_QUERY_ID_REQUIRED; an id not in the
 * app's list in force, or a text sent beside an id that is not its hash,
 * PERSISTED_QUERY_NOT_IN_LIST: both HTTP 400, before anything is parsed or planned, and logged
 * with the client id, the operation id and the request id. A found operation's body then runs
 * as if the app had sent it, so every rule after this (app-operations.ts, the cost limit,
 * records' approval and scope) still judges it. Called for app tokens only, from the request's
 * context (http-handler.ts), so a refusal answers like any refused context.
 */
export function trustedOperationGate(lookup: TrustedOperationLookup, logger: Logger) {
  return async (request: HTTPGraphQLRequest, viewer: ViewerOf<'app'>, requestId: string): Promise<void> => {
    const refuse = (code: ErrorCode, message: string, id: string | null): never => {
      logger.warn({ requestId, clientId: viewer.clientId, operationId: id, code }, 'refused: not a trusted operation of the app');
      throw refusal(code, message);
    };
    const sent = sentIn(request);
    const { persistedQuery, ...otherExtensions } = sent?.extensions ?? {};
    if (!sent || !isPersistedQuery(persistedQuery)) return refuse(ErrorCode.PersistedQueryIdRequired, ID_REQUIRED, null);
    const id = persistedQuery.sha256Hash;
    // Not an id's shape: logged without it, as it is only what the client sent.
    if (!OPERATION_ID.test(id)) return refuse(ErrorCode.PersistedQueryNotInList, NOT_IN_LIST, null);
    if (sent.query !== undefined && (typeof sent.query !== 'string' || operationId(sent.query) !== id)) {
      return refuse(ErrorCode.PersistedQueryNotInList, QUERY_NOT_ITS_ID, id);
    }
    let body: string | null;
    try {
      body = await lookup.body(viewer.clientId, id, requestId);
    } catch (error) {
      const reason = (error as Error).message;
      if (error instanceof LookupFailed && error.unavailable) {
        logger.warn({ requestId, clientId: viewer.clientId, reason }, 'trusted operation lookup unavailable: try again answered');
        throw new DomainError(ErrorCode.ServiceUnavailable, SERVICE_UNAVAILABLE_MESSAGE, {
          http: { status: 503, headers: retryAfterHeaders(unavailableWaitSeconds(error.circuitReopensInMs)) },
        });
      }
      logger.error({ requestId, clientId: viewer.clientId, reason }, 'trusted operation lookup failed');
      throw new DomainError(ErrorCode.Internal, 'Internal server error', { http: { status: 503 } });
    }
    if (body === null) return refuse(ErrorCode.PersistedQueryNotInList, NOT_IN_LIST, id);
    runAsSent(request, body, otherExtensions);
  };
}

export type TrustedOperationGate = ReturnType<typeof trustedOperationGate>;
