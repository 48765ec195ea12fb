import { invalidInput } from '../../../platform/errors';
import { isPracticeOdsCode } from '../../runtime/ods-code';
import { authorizeNoticeOverride, waveActor } from '../authorization';
import type { RolloutContext } from '../context';
import { checkWavePlans, planWave, type PlannedSwitchOn } from '../domain/wave';
import type { MutationResolvers } from '../generated/graphql';
import type { WaveResultModel } from '../models';

/** Throws the first error a DataLoader.loadMany result holds; otherwise the values. */
function settled<T>(results: (T | Error)[]): T[] {
  const failure = results.find((result): result is Error => result instanceof Error);
  if (failure) throw failure;
  return results as T[];
}

/**
 * A wave: every argument checked first (a bad one refuses the whole call and changes nothing),
 * then each practice decided by the state machine, and every accepted event appended in one
 * transaction.
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

export const waveMutations: Pick<MutationResolvers, 'scheduleSwitchOnWave' | 'scheduleSwitchOns'> = {
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
};
