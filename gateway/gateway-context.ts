import type { Viewer } from '../platform/viewer';

/** The gateway's per-request context: who is asking, verified once. */
export interface GatewayContext {
  viewer: Viewer | null;
  requestId: string;
  /**
   * An analyst's operation is admitted once its cost is known (operation-cost.ts calls this after
   * the limit): it resolves when the operation's lane admits it, or rejects OVERLOADED. Absent for
   * the other roles, admitted by role before their operation is read (http-handler.ts).
   */
  admitByCost?: (cost: number) => Promise<void>;
  /** Set when a subgraph's answer was cut at its bound: the whole answer is then refused (answer-size.ts). */
  answerTooLarge?: boolean;
  /** Set when a subgraph call of this request was unavailable (a wait, not a fault): unavailable-hops.ts. */
  hopUnavailable?: boolean;
  /** The longest an open circuit this request met stays open: its SERVICE_UNAVAILABLE's Retry-After (retry-after.ts). */
  circuitReopensInMs?: number;
}
