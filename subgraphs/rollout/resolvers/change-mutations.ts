import { invalidInput } from '../../../platform/errors';
import { checkOdsCode } from '../../runtime/code-input';
import { authorizeChange, authorizeNoticeOverride, type RolloutAction } from '../authorization';
import type { RolloutContext } from '../context';
import { decide, type RolloutCommand } from '../domain/state-machine';
import type { MutationResolvers } from '../generated/graphql';

/** Checks the viewer, asks the state machine, appends the event; the result shows the new state. */
async function change(context: RolloutContext, rawOdsCode: string, action: RolloutAction, command: RolloutCommand) {
  const odsCode = checkOdsCode(rawOdsCode);
  const actor = await authorizeChange(context, odsCode, action);
  const history = await context.loaders.history.load(odsCode);
  const decision = decide(history, command, actor, context.now, context.policy);
  if (!decision.ok) throw invalidInput(decision.message);
  await context.rollout.append(odsCode, history.length + 1, decision.event);
  context.loaders.history.clear(odsCode);
  return { odsCode };
}

/** One practice at a time: schedule, cancel, switch on, pause, resume. */
export const changeMutations: Pick<
  MutationResolvers,
  'scheduleSwitchOn' | 'cancelSwitchOn' | 'switchOn' | 'pauseAccess' | 'resumeAccess'
> = {
  scheduleSwitchOn: (_parent, { odsCode, at, overrideMinimumNotice }, context) =>
    change(context, odsCode, 'schedule', {
      kind: 'scheduleSwitchOn',
      at,
      overrideMinimumNotice: authorizeNoticeOverride(context, overrideMinimumNotice),
    }),
  cancelSwitchOn: (_parent, { odsCode }, context) => change(context, odsCode, 'cancel', { kind: 'cancelSwitchOn' }),
  switchOn: (_parent, { odsCode }, context) => change(context, odsCode, 'switchOn', { kind: 'switchOn' }),
  pauseAccess: (_parent, { odsCode, reason }, context) => change(context, odsCode, 'pause', { kind: 'pauseAccess', reason }),
  resumeAccess: (_parent, { odsCode, at, overrideMinimumNotice }, context) =>
    change(context, odsCode, 'resume', {
      kind: 'resumeAccess',
      at: at ?? null,
      overrideMinimumNotice: authorizeNoticeOverride(context, overrideMinimumNotice),
    }),
};
