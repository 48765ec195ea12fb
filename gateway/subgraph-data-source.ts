import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Clock } from '../subgraphs/common/clock';
import { VIEWER_HEADER } from '../subgraphs/common/request-signature';
import { encodeViewer } from '../subgraphs/common/viewer';
import type { GatewayContext } from './gateway-context';
import { signedFetcher } from './signed-fetcher';

/** One subgraph as the gateway calls it: identity forwarded, request signed. */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(url: string, secret: string, clock: Clock, timeoutMs: number) {
    super({ url, fetcher: signedFetcher(secret, clock, timeoutMs) });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http?.headers;
    if (!headers) return;
    // No viewer (only possible for the gateway's own health probes): the subgraph refuses.
    const { viewer, requestId } = context as Partial<GatewayContext>;
    if (viewer) headers.set(VIEWER_HEADER, encodeViewer(viewer));
    if (requestId) headers.set('x-request-id', requestId);
  }
}
