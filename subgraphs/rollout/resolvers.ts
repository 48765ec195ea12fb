import { forbidden, invalidInput, notFound } from '../common/errors';
import { SUPPLIERS, type Supplier } from '../common/viewer';
import { isPracticeOdsCode } from '../common/ods-code';
import { authorizeChange, mayReadStaffDetail, type RolloutAction } from './authorization';
import type { RolloutContext } from './context';
import { deriveRolloutState } from './domain/rollout-state';
import { decide, type RolloutCommand } from './domain/state-machine';
import type { Resolvers } from './generated/graphql';
import type { RolloutPracticeModel } from './models';

function checkOdsCode(odsCode: string): string {
  if (!isPracticeOdsCode(odsCode)) throw invalidInput('ODS code must be one letter and five digits, e.g. A81001', 'odsCode');
  return odsCode;
}

/** The practice's state at the request's instant, from its history. */
async function stateOf(practice: RolloutPracticeModel, context: RolloutContext) {
  return deriveRolloutState(await context.loaders.history.load(practice.odsCode), context.now);
}

/** Checks the viewer, asks the state machine, appends the event; the result shows the new state. */
async function change(context: RolloutContext, rawOdsCode: string, action: RolloutAction, command: RolloutCommand) {
  const odsCode = checkOdsCode(rawOdsCode);
  const actor = await authorizeChange(context, odsCode, action);
  const history = await context.loaders.history.load(odsCode);
  const decision = decide(history, command, actor, context.now);
  if (!decision.ok) throw invalidInput(decision.message);
  await context.rollout.append(odsCode, history.length + 1, decision.event);
  context.loaders.history.clear(odsCode);
  return { odsCode };
}

export const resolvers: Resolvers = {
  Practice: {
    // The supplier comes from the practices subgraph (@requires). A practice it does not know
    // (or a malformed code) gets no status at all: an error, never a made-up NOT_SCHEDULED.
    __resolveReference: (reference) => {
      const { odsCode, supplier } = reference as { odsCode?: unknown; supplier?: unknown };
      if (typeof odsCode !== 'string' || !isPracticeOdsCode(odsCode) || !SUPPLIERS.includes(supplier as Supplier)) {
        throw notFound('The practice is not known');
      }
      return { odsCode, supplier: supplier as Supplier };
    },
    accessStatus: async (practice, _args, context) => (await stateOf(practice, context)).status,
    accessPeriods: async (practice, _args, context) => (await stateOf(practice, context)).periods,
    switchOnAt: async (practice, _args, context) => (await stateOf(practice, context)).switchOnAt,
    plannedSwitchOnAt: async (practice, _args, context) => (await stateOf(practice, context)).plannedSwitchOnAt,
    pauseReason: async (practice, _args, context) => {
      if (!mayReadStaffDetail(context, practice)) throw forbidden('Pause reasons are for staff roles only');
      return (await stateOf(practice, context)).pauseReason;
    },
    rolloutHistory: async (practice, _args, context) => {
      if (!mayReadStaffDetail(context, practice)) throw forbidden('The rollout history is for staff roles only');
      return context.loaders.history.load(practice.odsCode);
    },
  },
  RolloutEvent: {
    actorRole: (event) => event.actor.role,
    actor: (event) => event.actor.id,
  },
  Mutation: {
    scheduleSwitchOn: (_parent, { odsCode, at }, context) =>
      change(context, odsCode, 'schedule', { kind: 'scheduleSwitchOn', at }),
    switchOn: (_parent, { odsCode }, context) => change(context, odsCode, 'switchOn', { kind: 'switchOn' }),
    pauseAccess: (_parent, { odsCode, reason }, context) => change(context, odsCode, 'pause', { kind: 'pauseAccess', reason }),
    resumeAccess: (_parent, { odsCode, at }, context) =>
      change(context, odsCode, 'resume', { kind: 'resumeAccess', at: at ?? null }),
  },
};
