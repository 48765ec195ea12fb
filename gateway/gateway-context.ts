import type { Viewer } from '../platform/viewer';

/** The gateway's per-request context: who is asking, verified once. */
export interface GatewayContext {
  viewer: Viewer | null;
  requestId: string;
}
