import { forbidden, notFound } from '../common/errors';
import type { Actor } from './domain/rollout-event';
import type { RolloutContext } from './context';
import type { RolloutPracticeModel } from './models';

export type RolloutAction = 'schedule' | 'switchOn' | 'pause' | 'resume';

/**
 * Who may change a practice's rollout, as an ordered list of allow rules ending in deny:
 * nhse any practice; a supplier its own practices; a clinician may only pause their own.
 * The practice must exist in the practices subgraph (asked, never copied).
 */
export async function authorizeChange(context: RolloutContext, odsCode: string, action: RolloutAction): Promise<Actor> {
  const { viewer } = context;
  const allowedRole = viewer.role === 'nhse' || viewer.role === 'supplier' || (viewer.role === 'clinician' && action === 'pause');
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
 * practice, a supplier for its own (the supplier comes from the practices subgraph through
 * @requires), clinicians for their own practice. Not patients or apps.
 */
export function mayReadStaffDetail(context: RolloutContext, practice: RolloutPracticeModel): boolean {
  const { viewer } = context;
  if (viewer.role === 'nhse' || viewer.role === 'analyst') return true;
  if (viewer.role === 'clinician') return viewer.odsCode === practice.odsCode;
  if (viewer.role === 'supplier') return practice.supplier !== undefined && practice.supplier === viewer.supplier;
  return false;
}
