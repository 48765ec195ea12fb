import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { Viewer } from '../../platform/viewer';

/** Built once per request: the verified viewer, one instant for the whole request, the
 *  logger with the request id. Each subgraph adds its loaders and repositories. */
export interface RequestContext {
  viewer: Viewer;
  requestId: string;
  /** The request's single "now": every rule in one request sees the same instant. */
  now: Date;
  clock: Clock;
  logger: Logger;
}
