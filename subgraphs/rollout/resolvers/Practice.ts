import { forbidden, notFound } from '../../../platform/errors';
import { isPracticeOdsCode } from '../../runtime/ods-code';
import { isPracticeSupplier } from '../../runtime/suppliers';
import { mayReadNotifications, mayReadStaffDetail } from '../authorization';
import type { RolloutContext } from '../context';
import { notificationsOf } from '../domain/notifications';
import { deriveRolloutState } from '../domain/rollout-state';
import type { PracticeResolvers } from '../generated/graphql';
import type { RolloutPracticeModel } from '../models';

/** The practice's state at the request's instant, from its history. */
async function stateOf(practice: RolloutPracticeModel, context: RolloutContext) {
  return deriveRolloutState(await context.loaders.history.load(practice.odsCode), context.now);
}

export const Practice: PracticeResolvers = {
  // A practice the practices subgraph does not know (or a malformed code) gets no status at
  // all: an error, never a made-up NOT_SCHEDULED. The staff fields require the supplier from
  // the practices subgraph (@requires), which vouches for the practice; the status fields come
  // with the code alone (from records, say), and the directory vouches for it.
  __resolveReference: async (reference, context) => {
    const { odsCode, supplier } = reference as { odsCode?: unknown; supplier?: unknown };
    if (typeof odsCode !== 'string' || !isPracticeOdsCode(odsCode)) throw notFound('The practice is not known');
    if (supplier !== undefined) {
      if (!isPracticeSupplier(supplier)) throw notFound('The practice is not known');
      return { odsCode, supplier };
    }
    if (!(await context.loaders.known.load(odsCode))) throw notFound('The practice is not known');
    return { odsCode };
  },
  accessStatus: async (practice, _args, context) => (await stateOf(practice, context)).status,
  accessPeriods: async (practice, _args, context) => (await stateOf(practice, context)).periods,
  accessOdsCode: (practice) => practice.odsCode,
  switchOnAt: async (practice, _args, context) => (await stateOf(practice, context)).switchOnAt,
  plannedSwitchOnAt: async (practice, _args, context) => (await stateOf(practice, context)).plannedSwitchOnAt,
  pauseReason: async (practice, _args, context) => {
    if (!mayReadStaffDetail(context, practice)) throw forbidden('Pause reasons are for staff roles only');
    return (await stateOf(practice, context)).pauseReason;
  },
  currentPause: async (practice, _args, context) => {
    if (!mayReadStaffDetail(context, practice)) throw forbidden('Pause details are for staff roles only');
    return (await stateOf(practice, context)).pause;
  },
  rolloutHistory: async (practice, _args, context) => {
    if (!mayReadStaffDetail(context, practice)) throw forbidden('The rollout history is for staff roles only');
    return context.loaders.history.load(practice.odsCode);
  },
  notifications: async (practice, _args, context) => {
    if (!mayReadNotifications(context, practice)) {
      throw forbidden("A practice's notifications are for its clinicians, its supplier and NHS England");
    }
    return notificationsOf(await context.loaders.history.load(practice.odsCode), context.now);
  },
};
