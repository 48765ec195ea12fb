import type { Viewer } from '../subgraphs/common/viewer';

/** The gateway's per-request context: who is asking, verified once. */
export interface GatewayContext {
  viewer: Viewer | null;
  requestId: string;
}
