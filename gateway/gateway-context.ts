import type { Viewer } from '../platform/viewer';

/** The gateway's per-request context: who is asking, verified once. */
export interface GatewayContext {
  viewer: Viewer | null;
  requestId: string;
  /** Set when a subgraph's answer was cut at its bound: the whole answer is then refused (answer-size.ts). */
  answerTooLarge?: boolean;
  /** Set when a subgraph call of this request was unavailable (a wait, not a fault): unavailable-hops.ts. */
  hopUnavailable?: boolean;
  /** The longest an open circuit this request met stays open: its SERVICE_UNAVAILABLE's Retry-After (retry-after.ts). */
  circuitReopensInMs?: number;
}
