import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../subgraphs/common/errors';
import { withoutInputValues } from '../subgraphs/common/input-echo';
import type { Clock } from '../subgraphs/common/clock';
import { VIEWER_HEADER } from '../subgraphs/common/request-signature';
import { encodeViewer } from '../subgraphs/common/viewer';
import type { GatewayContext } from './gateway-context';
import { signedFetcher, type CallPolicy } from './signed-fetcher';

/** One subgraph as the gateway calls it: identity forwarded, request signed, faults contained (signed-fetcher.ts). */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(url: string, secret: string, clock: Clock, policy: CallPolicy) {
    super({ url, fetcher: signedFetcher(secret, clock, policy) });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http?.headers;
    if (!headers) return;
    // No viewer (only possible for the gateway's own health probes): the subgraph refuses.
    const { viewer, requestId } = context as Partial<GatewayContext>;
    if (viewer) headers.set(VIEWER_HEADER, encodeViewer(viewer));
    if (requestId) headers.set('x-request-id', requestId);
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
