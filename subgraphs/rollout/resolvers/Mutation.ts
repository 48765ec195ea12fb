import { invalidInput } from '../../../platform/errors';
import { checkOdsCode } from '../../runtime/code-input';
import { isPracticeOdsCode } from '../../runtime/ods-code';
import { authorizeChange, authorizeNoticeOverride, waveActor, type RolloutAction } from '../authorization';
import type { RolloutContext } from '../context';
import { decide, type RolloutCommand } from '../domain/state-machine';
import { checkWavePlans, planWave, type PlannedSwitchOn } from '../domain/wave';
import type { MutationResolvers } from '../generated/graphql';
import type { WaveResultModel } from '../models';

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

/** Throws the first error a DataLoader.loadMany result holds; otherwise the values. */
function settled<T>(results: (T | Error)[]): T[] {
  const failure = results.find((result): result is Error => result instanceof Error);
  if (failure) throw failure;
  return results as T[];
}

/**
 * Arguments are checked first so a bad one refuses the whole wave and changes nothing; the
 * accepted events are appended in one transaction.
 */
async function scheduleWave(
  context: RolloutContext,
  plans: PlannedSwitchOn[],
  override: boolean | null | undefined,
): Promise<WaveResultModel> {
  const actor = waveActor(context);
  const overrideMinimumNotice = authorizeNoticeOverride(context, override);
  const facts = { actor, now: context.now, policy: context.policy, overrideMinimumNotice };
  const problem = checkWavePlans(plans, isPracticeOdsCode, facts);
  if (problem !== null) throw invalidInput(problem);

  const codes = plans.map((plan) => plan.odsCode);
  const [suppliers, histories] = await Promise.all([
    context.loaders.supplier.loadMany(codes).then(settled),
    context.loaders.history.loadMany(codes).then(settled),
  ]);
  const historyOf = new Map(codes.map((code, i) => [code, histories[i]!]));
  const outcome = planWave(plans, {
    ...facts,
    histories: historyOf,
    suppliers: new Map(codes.map((code, i) => [code, suppliers[i] ?? null])),
  });
  await context.rollout.appendAll(
    outcome.scheduled.map(({ odsCode, event }) => ({ odsCode, seq: historyOf.get(odsCode)!.length + 1, event })),
  );
  for (const { odsCode } of outcome.scheduled) context.loaders.history.clear(odsCode);
  return { scheduled: outcome.scheduled.map(({ odsCode }) => ({ odsCode })), skipped: outcome.skipped };
}

export const Mutation: MutationResolvers = {
  scheduleSwitchOn: (_parent, { odsCode, at, overrideMinimumNotice }, context) =>
    change(context, odsCode, 'schedule', {
      kind: 'scheduleSwitchOn',
      at,
      overrideMinimumNotice: authorizeNoticeOverride(context, overrideMinimumNotice),
    }),
  cancelSwitchOn: (_parent, { odsCode }, context) => change(context, odsCode, 'cancel', { kind: 'cancelSwitchOn' }),
  scheduleSwitchOnWave: (_parent, { odsCodes, at, overrideMinimumNotice }, context) =>
    scheduleWave(
      context,
      odsCodes.map((odsCode) => ({ odsCode, at })),
      overrideMinimumNotice,
    ),
  scheduleSwitchOns: (_parent, { plans, overrideMinimumNotice }, context) =>
    scheduleWave(
      context,
      plans.map(({ odsCode, at }) => ({ odsCode, at })),
      overrideMinimumNotice,
    ),
  switchOn: (_parent, { odsCode }, context) => change(context, odsCode, 'switchOn', { kind: 'switchOn' }),
  pauseAccess: (_parent, { odsCode, reason }, context) => change(context, odsCode, 'pause', { kind: 'pauseAccess', reason }),
  resumeAccess: (_parent, { odsCode, at, overrideMinimumNotice }, context) =>
    change(context, odsCode, 'resume', {
      kind: 'resumeAccess',
      at: at ?? null,
      overrideMinimumNotice: authorizeNoticeOverride(context, overrideMinimumNotice),
    }),
};
