import type { GatewayPlugin } from '@graphql-hive/gateway';
import type { VerifyToken } from '../../gateway/identity';
import { unauthenticated } from '../../platform/errors';
import { encodeViewer, type Viewer } from '../../platform/viewer';
import { VIEWER_HEADER } from '../../platform/request-signature';

/** What Hive Gateway's context holds once the caller's token is verified. */
export interface ViewerContext {
  viewer: Viewer;
  /** The viewer header every subgraph call carries, encoded once per request as ours does. */
  viewerHeaders: Record<string, string>;
}

/**
 * Verifies `Authorization: Bearer <JWT>` with our own verifier (gateway/identity.ts, same keys,
 * issuer, audience and claim mapping) once per request, while the context is built, and
 * refuses with UNAUTHENTICATED (HTTP 401) as our gateway does.
 */
export function useVerifiedViewer(verifyToken: VerifyToken): GatewayPlugin<ViewerContext> {
  return {
    async onContextBuilding({ context, extendContext }) {
      const viewer = await verifyToken(context.request.headers.get('authorization') ?? undefined);
      if (!viewer) throw unauthenticated();
      extendContext({ viewer, viewerHeaders: { [VIEWER_HEADER]: encodeViewer(viewer) } });
    },
  };
}

/**
 * The viewer header for every subgraph call, encoded exactly as our SubgraphDataSource does.
 * Given through Hive's `propagateHeaders`, so the header is part of the subgraph request's
 * identity: no two viewers' calls can ever be taken for one another.
 */
export function viewerHeaderFor(context: Partial<ViewerContext>): Record<string, string> {
  // No viewer (Hive's own internal calls): no header, and the subgraph refuses.
  return context.viewerHeaders ?? {};
}
