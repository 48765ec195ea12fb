import { forbidden, notFound } from '../common/errors';
import type { Actor } from './domain/rollout-event';
import type { RolloutContext } from './context';

export type RolloutAction = 'schedule' | 'switchOn' | 'pause' | 'resume';

/**
 * Who may change a practice's rollout, as an ordered list of allow rules ending in deny:
 * nhse any practice; a supplier its own practices; a clinician may only pause their own.
 * The practice must exist in the practices subgraph (asked, never copied).
 */
export async function authorizeChange(context: RolloutContext, odsCode: string, action: RolloutAction): Promise<Actor> {
  const { viewer } = context;
  const allowedRole =
    viewer.role === 'nhse' || viewer.role === 'supplier' || (viewer.role === 'clinician' && action === 'pause');
  if (!allowedRole) throw forbidden('Your role may not change the rollout of this practice');
  if (viewer.role === 'clinician' && viewer.odsCode !== odsCode) {
    throw forbidden('A clinician may pause only their own practice');
  }
  const supplier = await context.loaders.supplier.load(odsCode);
  if (!supplier) throw notFound('No practice has this ODS code');
  if (viewer.role === 'nhse') return { role: 'nhse', id: viewer.subject };
  if (viewer.role === 'supplier') {
    if (viewer.supplier !== supplier) throw forbidden("A supplier may change only its own practices' rollout");
    return { role: 'supplier', id: viewer.supplier };
  }
  return { role: 'clinician', id: `${odsCode}:${viewer.subject}` };
}

/**
 * Staff detail (pause reasons, the history with who asked): nhse and analysts for every
 * practice, a supplier for its own, clinicians for their own practice. Not patients or apps.
 */
export async function mayReadStaffDetail(context: RolloutContext, odsCode: string): Promise<boolean> {
  const { viewer } = context;
  if (viewer.role === 'nhse' || viewer.role === 'analyst') return true;
  if (viewer.role === 'clinician') return viewer.odsCode === odsCode;
  if (viewer.role === 'supplier') return (await context.loaders.supplier.load(odsCode)) === viewer.supplier;
  return false;
}
