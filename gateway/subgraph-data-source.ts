import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../platform/errors';
import { withoutInputValues } from '../platform/input-echo';
import type { Clock } from '../platform/clock';
import { VIEWER_HEADER } from '../platform/request-signature';
import { encodeViewer, type Viewer } from '../platform/viewer';
import { ResponseTooLarge, type ConnectionPool } from './connection-pool';
import type { GatewayContext } from './gateway-context';
import { shareOf } from './bulkheads';
import { SHARE_HEADER, signedFetcher, SubgraphUnavailable, type CallPolicy } from './signed-fetcher';
import type { SubgraphCallMetrics } from './subgraph-call-metrics';
import { isSubgraphUnavailable } from './subgraph-unavailable';
import { saysUnavailable, withUnavailableHops } from './unavailable-hops';
import { leanProcess } from '../patches/apollo-gateway-lean-process';

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

/**
 * One subgraph as the gateway calls it: identity forwarded, request signed, faults contained
 * (signed-fetcher.ts). `process` is patches/apollo-gateway-lean-process.ts: what Apollo's does
 * for us, without the objects it builds on every call and never sends.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    name: string,
    url: string,
    secret: string,
    clock: Clock,
    policy: CallPolicy,
    pool: ConnectionPool,
    metrics?: SubgraphCallMetrics,
  ) {
    super({ url, fetcher: signedFetcher(name, secret, clock, policy, pool, metrics) });
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayResponse> {
    // No viewer (only possible for the gateway's own health probes): the subgraph refuses.
    const { viewer, requestId } = options.context as Partial<GatewayContext>;
    const added: Record<string, string> = {};
    if (viewer) {
      added[VIEWER_HEADER] = viewerHeader(viewer);
      added[SHARE_HEADER] = shareOf(viewer.role);
    }
    if (requestId) added['x-request-id'] = requestId;
    const context = options.context as Partial<GatewayContext> | undefined;
    try {
      const answer = withUnavailableHops(await leanProcess(this, options, added), context?.hopUnavailable === true);
      if (context && saysUnavailable(answer)) context.hopUnavailable = true;
      return answer;
    } catch (error) {
      if (error instanceof ResponseTooLarge && context) context.answerTooLarge = true;
      // Remembered for the calls that depend on this one (unavailable-hops.ts).
      if (context && isSubgraphUnavailable(error)) context.hopUnavailable = true;
      if (context && error instanceof SubgraphUnavailable)
        context.circuitReopensInMs = Math.max(context.circuitReopensInMs ?? 0, error.reopensInMs);
      throw error;
    }
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
