import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../platform/errors';
import { withoutInputValues } from '../platform/input-echo';
import type { Clock } from '../platform/clock';
import { VIEWER_HEADER } from '../platform/request-signature';
import { encodeViewer, type Viewer } from '../platform/viewer';
import type { ConnectionPool } from './connection-pool';
import type { GatewayContext } from './gateway-context';
import { signedFetcher, type CallPolicy } from './signed-fetcher';

type GatewayResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/** A viewer is encoded once, however many subgraph calls its request makes (and a remembered token's viewer, once for all its requests). */
const encodedViewers = new WeakMap<Viewer, string>();
function viewerHeader(viewer: Viewer): string {
  let encoded = encodedViewers.get(viewer);
  if (encoded === undefined) {
    encoded = encodeViewer(viewer);
    encodedViewers.set(viewer, encoded);
  }
  return encoded;
}

/** The max-age a subgraph's Cache-Control allows (0 without one, or for `no-store`), and its scope. */
function cacheHint(header: string | null): { maxAge: number; scope?: 'PRIVATE' | 'PUBLIC' } {
  const hint: { maxAge: number; scope?: 'PRIVATE' | 'PUBLIC' } = { maxAge: 0 };
  for (const part of (header ?? '').split(',')) {
    const [name = '', value] = part.trim().split(/\s*=\s*/, 2);
    if (name === 'max-age' && value !== undefined && /^[0-9]+$/.test(value.replace(/^"|"$/g, ''))) {
      hint.maxAge = Number(value.replace(/^"|"$/g, ''));
    }
    if (name === 'private') hint.scope = 'PRIVATE';
    if (name === 'public') hint.scope = 'PUBLIC';
  }
  return hint;
}

type Restrictable = { restrict(hint: ReturnType<typeof cacheHint>): void };
const isRestrictable = (policy: unknown): policy is Restrictable =>
  typeof policy === 'object' && policy !== null && typeof (policy as Partial<Restrictable>).restrict === 'function';

/**
 * One subgraph as the gateway calls it: identity forwarded, request signed, faults contained
 * (signed-fetcher.ts).
 *
 * `process` does what RemoteGraphQLDataSource's does for us (no APQ, no tracing headers), in
 * fewer steps: the headers and body are built as plain strings, with none of node-fetch's
 * Headers and Request objects it builds on every call and never sends (they were a measurable
 * share of a request, bench/results/gateway-profile.md). The rest is the same: `query` first in
 * the body, a non-2xx answer becomes `errorFromResponse`'s error, the body is parsed by
 * `parseBody` and must be an object, and the subgraph's Cache-Control restricts the
 * operation's cache policy.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(url: string, secret: string, clock: Clock, policy: CallPolicy, pool: ConnectionPool) {
    super({ url, fetcher: signedFetcher(secret, clock, policy, pool) });
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayResponse> {
    const { request } = options;
    if (!request.query) throw new Error('Missing query');
    const headers: Record<string, string> = {};
    for (const [name, value] of request.http?.headers ?? []) {
      const key = name.toLowerCase();
      headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
    }
    headers['content-type'] = 'application/json';
    // No viewer (only possible for the gateway's own health probes): the subgraph refuses.
    const { viewer, requestId } = options.context as Partial<GatewayContext>;
    if (viewer) headers[VIEWER_HEADER] = viewerHeader(viewer);
    if (requestId) headers['x-request-id'] = requestId;
    const { http: _http, query, ...rest } = request;
    const body = JSON.stringify({ query, ...rest });

    const response = await this.fetcher(this.url, { method: 'POST', headers, body });
    if (!response.ok) throw await this.errorFromResponse(response);
    const parsed = await this.parseBody(response);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error(`Expected JSON response body, but received: ${String(parsed)}`);
    }
    // Typed `any` by Apollo: Apollo Server's CachePolicy, or something else (then left alone, as RemoteGraphQLDataSource does).
    const policy: unknown = 'incomingRequestContext' in options ? options.incomingRequestContext.overallCachePolicy : undefined;
    if (this.honorSubgraphCacheControlHeader && isRestrictable(policy)) {
      policy.restrict(cacheHint(response.headers.get('cache-control')));
    }
    return { ...(parsed as GatewayResponse), http: response };
  }

  /**
   * A subgraph refuses a malformed argument (a DateTime that is no real instant, say) as a
   * whole-request error with HTTP 400 and BAD_USER_INPUT. The client's input is at fault, so
   * the client gets that code and message; any other failed fetch stays masked.
   */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    if (response.status === 400) {
      try {
        const body = (await response.clone().json()) as { errors?: { message?: unknown; extensions?: { code?: unknown } }[] };
        const first = body.errors?.[0];
        if (first?.extensions?.code === ErrorCode.BadUserInput && typeof first.message === 'string') {
          return new GraphQLError(withoutInputValues(first.message), { extensions: { code: ErrorCode.BadUserInput } });
        }
      } catch {
        // Not a GraphQL body: fall through to the masked failure.
      }
    }
    return super.errorFromResponse(response);
  }
}
