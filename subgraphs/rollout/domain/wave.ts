import type { Actor, RolloutEvent } from './rollout-event';
import { decide, type NoticePolicy, type RefusalCode } from './state-machine';
import type { PracticeSupplier } from '../../runtime/suppliers';

/** One practice of a wave and the switch-on instant planned for it. */
export interface PlannedSwitchOn {
  odsCode: string;
  at: Date;
}

export type WaveSkipKind =
  'UNKNOWN_PRACTICE' | 'NOT_YOUR_PRACTICE' | 'PAUSED' | 'ALREADY_ENABLED' | 'ALREADY_SCHEDULED' | 'REFUSED';

export interface WaveSkip {
  odsCode: string;
  kind: WaveSkipKind;
  reason: string;
}

export interface WaveOutcome {
  /** In the order given; each with the event to append as the next of its history. */
  scheduled: { odsCode: string; event: RolloutEvent }[];
  skipped: WaveSkip[];
}

export interface WaveFacts {
  histories: ReadonlyMap<string, readonly RolloutEvent[]>;
  /** Who supplies each practice, from its owner; absent or null: no such practice. */
  suppliers: ReadonlyMap<string, PracticeSupplier | null>;
  actor: Actor;
  now: Date;
  policy: NoticePolicy;
  overrideMinimumNotice: boolean;
}

const SKIP_FOR: Partial<Record<RefusalCode, WaveSkipKind>> = {
  PAUSED: 'PAUSED',
  ALREADY_ENABLED: 'ALREADY_ENABLED',
  ALREADY_SCHEDULED: 'ALREADY_SCHEDULED',
};

/**
 * Plans a wave practice by practice with the same state machine as a single scheduleSwitchOn:
 * each practice is scheduled (or rescheduled) or skipped with a reason. A supplier's wave
 * skips practices on another supplier's system; nhse may schedule any practice. Arguments are
 * checked before (checkWavePlans), so a refusal here is about one practice, never the call.
 */
export function planWave(plans: readonly PlannedSwitchOn[], facts: WaveFacts): WaveOutcome {
  const outcome: WaveOutcome = { scheduled: [], skipped: [] };
  const skip = (odsCode: string, kind: WaveSkipKind, reason: string) => outcome.skipped.push({ odsCode, kind, reason });
  for (const { odsCode, at } of plans) {
    const supplier = facts.suppliers.get(odsCode) ?? null;
    if (supplier === null) {
      skip(odsCode, 'UNKNOWN_PRACTICE', 'No practice has this ODS code');
      continue;
    }
    if (facts.actor.role === 'supplier' && facts.actor.id !== supplier) {
      skip(odsCode, 'NOT_YOUR_PRACTICE', "The practice is on another supplier's system");
      continue;
    }
    const history = facts.histories.get(odsCode) ?? [];
    const command = { kind: 'scheduleSwitchOn' as const, at, overrideMinimumNotice: facts.overrideMinimumNotice };
    const decision = decide(history, command, facts.actor, facts.now, facts.policy);
    if (decision.ok) outcome.scheduled.push({ odsCode, event: decision.event });
    else skip(odsCode, SKIP_FOR[decision.code] ?? 'REFUSED', decision.message);
  }
  return outcome;
}

/** The most practices one wave may hold: more than any supplier's largest real wave. */
export const MAX_WAVE_SIZE = 5000;

/**
 * The checks that refuse a whole wave (a bad argument changes nothing): an empty or oversized
 * list, a malformed or repeated ODS code, an instant that is not in the future or gives less
 * than the minimum notice. Null when the wave may go ahead; otherwise the message.
 */
export function checkWavePlans(
  plans: readonly PlannedSwitchOn[],
  isOdsCode: (code: string) => boolean,
  facts: Pick<WaveFacts, 'actor' | 'now' | 'policy' | 'overrideMinimumNotice'>,
): string | null {
  if (plans.length === 0) return 'A wave needs at least one practice';
  if (plans.length > MAX_WAVE_SIZE) return `A wave may hold at most ${MAX_WAVE_SIZE} practices; split it`;
  const seen = new Set<string>();
  for (const [index, { odsCode, at }] of plans.entries()) {
    if (!isOdsCode(odsCode)) return `Practice ${index + 1} of the wave: an ODS code is one letter and five digits, e.g. A81001`;
    if (seen.has(odsCode)) return `${odsCode} appears more than once in the wave`;
    seen.add(odsCode);
    // The instant alone, judged by the same rule as any plan (an empty history has no other objection).
    const command = { kind: 'scheduleSwitchOn' as const, at, overrideMinimumNotice: facts.overrideMinimumNotice };
    const decision = decide([], command, facts.actor, facts.now, facts.policy);
    if (!decision.ok) return plans.length === 1 ? decision.message : `${odsCode}: ${decision.message}`;
  }
  return null;
}
