import { forbidden, notFound } from '../../platform/errors';
import type { Supplier } from '../../platform/viewer';
import type { Actor } from './domain/rollout-event';
import type { RolloutContext } from './context';
import type { RolloutPracticeModel } from './models';

export type RolloutAction = 'schedule' | 'cancel' | 'switchOn' | 'pause' | 'resume';

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

/**
 * What a viewer may see a notification of: the practice's clinicians (they are the ones told),
 * its supplier and nhse. Not analysts, patients or apps.
 */
export function mayReadNotifications(context: RolloutContext, practice: RolloutPracticeModel): boolean {
  const { viewer } = context;
  if (viewer.role === 'nhse') return true;
  if (viewer.role === 'clinician') return viewer.odsCode === practice.odsCode;
  if (viewer.role === 'supplier') return practice.supplier !== undefined && practice.supplier === viewer.supplier;
  return false;
}

/** NHS England alone may plan a switch-on with less than the minimum notice. */
export function authorizeNoticeOverride(context: RolloutContext, override: boolean | null | undefined): boolean {
  if (override !== true) return false;
  if (context.viewer.role !== 'nhse') throw forbidden('Only NHS England may override the minimum notice');
  return true;
}

/**
 * Whose practices a viewer's figures cover: analysts and nhse every practice, a supplier its
 * own (supplier set); everyone else is refused.
 */
export function analyticsScope(context: RolloutContext): { supplier: Supplier | null } {
  const { viewer } = context;
  if (viewer.role === 'analyst' || viewer.role === 'nhse') return { supplier: null };
  if (viewer.role === 'supplier') return { supplier: viewer.supplier };
  throw forbidden('Rollout figures are for analysts, NHS England and suppliers');
}

/** The actor a wave is recorded under: the supplier (its own practices) or nhse. */
export function waveActor(context: RolloutContext): Actor {
  const { viewer } = context;
  if (viewer.role === 'nhse') return { role: 'nhse', id: viewer.subject };
  if (viewer.role === 'supplier') return { role: 'supplier', id: viewer.supplier };
  throw forbidden('Only suppliers and NHS England may schedule switch-ons');
}
