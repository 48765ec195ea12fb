import type { Viewer } from '../../platform/viewer';

/**
 * Who may read the internal practice membership (every practice with its supplier, ICB and
 * dates, for the rollout subgraph's figures), as allow rules ending in deny: the service role,
 * which only a subgraph's signed request carries (the gateway never issues it). Everyone else
 * reads practices through the public fields.
 */
export function mayReadMembership(viewer: Viewer): boolean {
  switch (viewer.role) {
    case 'service':
      return true;
    default:
      return false;
  }
}
