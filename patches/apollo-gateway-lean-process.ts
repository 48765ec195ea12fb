import type { GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import { requireWrittenFor, type WrittenFor } from './version-guard';

export const WRITTEN_FOR: WrittenFor = { library: '@apollo/gateway', from: '2.14.0', below: '2.15.0' };
requireWrittenFor('apollo-gateway-lean-process', WRITTEN_FOR);

type GatewayResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;
type Source = Pick<
  RemoteGraphQLDataSource,
  'url' | 'fetcher' | 'honorSubgraphCacheControlHeader' | 'parseBody' | 'errorFromResponse'
>;
type Options = Parameters<RemoteGraphQLDataSource['process']>[0] & GraphQLDataSourceProcessOptions;

/** The max-age a subgraph's Cache-Control allows (0 without one, or for `no-store`), and its scope. */
export function cacheHint(header: string | null): { maxAge: number; scope?: 'PRIVATE' | 'PUBLIC' } {
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
 * What RemoteGraphQLDataSource's `process` does for us (no APQ, no tracing headers), in fewer
 * steps: headers and body are built as plain strings, without the node-fetch Headers and Request
 * objects it builds on every call and never sends. The rest is the same as in the version this
 * was written for: `query` first in the body, a non-2xx answer becomes `errorFromResponse`'s
 * error, the body is parsed by `parseBody` and must be an object, and the subgraph's
 * Cache-Control restricts the operation's cache policy.
 */
export async function leanProcess(source: Source, options: Options, added: Record<string, string>): Promise<GatewayResponse> {
  const { request } = options;
  if (!request.query) throw new Error('Missing query');
  const headers: Record<string, string> = {};
  for (const [name, value] of request.http?.headers ?? []) {
    const key = name.toLowerCase();
    headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
  }
  headers['content-type'] = 'application/json';
  Object.assign(headers, added);
  const { http: _http, query, ...rest } = request;
  const body = JSON.stringify({ query, ...rest });

  const response = await source.fetcher(source.url, { method: 'POST', headers, body });
  if (!response.ok) throw await source.errorFromResponse(response);
  const parsed = await source.parseBody(response);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`Expected JSON response body, but received: ${String(parsed)}`);
  }
  // Typed `any` by Apollo: Apollo Server's CachePolicy, or something else (then left alone, as RemoteGraphQLDataSource does).
  const policy: unknown = 'incomingRequestContext' in options ? options.incomingRequestContext.overallCachePolicy : undefined;
  if (source.honorSubgraphCacheControlHeader && isRestrictable(policy)) {
    policy.restrict(cacheHint(response.headers.get('cache-control')));
  }
  return { ...(parsed as GatewayResponse), http: response };
}
