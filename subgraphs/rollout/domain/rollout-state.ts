import { instantOf, type AccessPeriod, type AccessStatus, type Actor, type RolloutEvent } from './rollout-event';

/** The pause in force: why, since when, and who asked for it. */
export interface PauseInForce {
  /** Null only for a damaged row, or a cancelled planned resume (see deriveRolloutState). */
  reason: string | null;
  since: Date;
  by: Actor;
}

/** A practice's automatic-access state as of one instant, derived from its history. */
export interface RolloutState {
  status: AccessStatus;
  /** Every period access was on up to asOf, oldest first; never a zero-length one. */
  periods: AccessPeriod[];
  /** `from` of the first period; null if access was never on. */
  switchOnAt: Date | null;
  /** Only while SCHEDULED. */
  plannedSwitchOnAt: Date | null;
  /** Only while PAUSED: the reason of the pause in force. */
  pauseReason: string | null;
  /** Only while PAUSED: the pause in force. */
  pause: PauseInForce | null;
}

/** The fold's working state, in milliseconds so comparisons cannot go wrong on Date identity. */
interface Fold {
  status: AccessStatus;
  periods: { from: number; to: number | null }[];
  planned: number | null;
  pause: { reason: string | null; since: number; by: Actor } | null;
}

/** What the fold saw, step by step: for notifications and anything else that needs the story. */
export type RolloutStep =
  | { kind: 'event'; event: RolloutEvent; at: number; applied: boolean; before: StepState; after: StepState }
  | { kind: 'planTookEffect'; at: number };
export interface StepState {
  status: AccessStatus;
  planned: number | null;
}

/**
 * Derives the state as of `asOf` from the history: only events recorded at or before `asOf`
 * count, and a plan takes effect by itself at its instant (there is no background job).
 *
 * Total by design, because the history comes from storage we do not control. A history the
 * state machine would never produce is read as follows, always erring towards "access off":
 * - events are taken in order of `at` (ties keep array order), whatever the array order;
 * - an event with an invalid `at`, or of an unknown kind, is ignored;
 * - an event illegal in the state it meets is ignored (SWITCHED_ON while ENABLED or PAUSED,
 *   SCHEDULED/RESCHEDULED while ENABLED or PAUSED, CANCELLED unless SCHEDULED, PAUSED while
 *   PAUSED, RESUMED unless PAUSED);
 * - a plan (SCHEDULED, RESCHEDULED or RESUMED with an instant) that is missing, invalid or
 *   not after its own `at` is ignored, so a RESUMED with such a plan leaves the practice paused;
 * - SCHEDULED and RESCHEDULED are read alike (both set the plan); CANCELLED drops a plan;
 * - a CANCELLED of a planned resume (access was on before) leaves the practice PAUSED, with no
 *   reason: decide refuses it now, but older histories may hold one;
 * - a PAUSED without a reason still pauses (stopping access is the safe side); pauseReason is null.
 * So periods are always sorted, non-overlapping and non-empty, only an ENABLED practice has an
 * open one, and a NOT_SCHEDULED practice has none. An invalid `asOf` counts no event: NOT_SCHEDULED.
 */
export function deriveRolloutState(history: readonly RolloutEvent[], asOf: Date): RolloutState {
  return toState(replay(history, instantOf(asOf)));
}

/**
 * Replays the history up to `limit` (ms), telling `visit` each step: every event met (applied
 * or ignored, with the state before and after) and every plan that took effect by itself.
 * The one fold behind every derived fact, so no two readings of a history can differ.
 */
export function replay(history: readonly RolloutEvent[], limit: number, visit?: (step: RolloutStep) => void): Fold {
  const fold = newFold();
  for (const { event, at } of countedEvents(history)) {
    if (!(at <= limit)) break;
    advancePlan(fold, at, visit);
    const before = visit ? { status: fold.status, planned: fold.planned } : undefined;
    const applied = apply(fold, event, at);
    if (visit && before)
      visit({ kind: 'event', event, at, applied, before, after: { status: fold.status, planned: fold.planned } });
  }
  advancePlan(fold, limit, visit);
  return fold;
}

/** From `from` (ms) until the next step's `from`, the practice's status was `status`. */
export interface StatusStep {
  from: number;
  status: AccessStatus;
}

/** Steps of frozen histories (kept and shared between requests, so unchanging): worked out once. */
const NO_STEPS: readonly StatusStep[] = Object.freeze([]);
const frozenSteps = new WeakMap<readonly RolloutEvent[], readonly StatusStep[]>();

/**
 * The status as a step function of time, from one fold of the whole history: NOT_SCHEDULED
 * before the first step, then each step's status from its instant (ascending) until the next.
 * An event counts from its own instant and a plan from its planned instant, as in
 * deriveRolloutState (a property test holds the steps to it at every instant). Rollout figures
 * over thousands of practices read these steps.
 */
export function statusSteps(history: readonly RolloutEvent[]): readonly StatusStep[] {
  if (history.length === 0) return NO_STEPS;
  const known = frozenSteps.get(history);
  if (known !== undefined) return known;
  const fold = newFold();
  const steps: StatusStep[] = [];
  const note = (from: number) => {
    const last = steps[steps.length - 1];
    if (last !== undefined && last.from === from) last.status = fold.status;
    else if ((last?.status ?? 'NOT_SCHEDULED') !== fold.status) steps.push({ from, status: fold.status });
  };
  const planTookEffect = (step: RolloutStep) => note(step.at);
  for (const { event, at } of countedEvents(history)) {
    advancePlan(fold, at, planTookEffect);
    apply(fold, event, at);
    note(at);
  }
  advancePlan(fold, Infinity, planTookEffect);
  if (isFrozenHistory(history)) frozenSteps.set(history, Object.freeze(steps.map((step) => Object.freeze(step))));
  return steps;
}

const newFold = (): Fold => ({ status: 'NOT_SCHEDULED', periods: [], planned: null, pause: null });

type CountedEvent = { event: RolloutEvent; index: number; at: number };

/**
 * Ordered events of frozen histories: a frozen history is one the process keeps and shares
 * between requests (kept-histories.ts), which no one can change, so its order is worked out once.
 */
const orderedFrozen = new WeakMap<readonly RolloutEvent[], readonly CountedEvent[]>();

/** Events with a valid instant, in order of `at`; ties keep the array order. */
function countedEvents(history: readonly RolloutEvent[]): readonly CountedEvent[] {
  const known = orderedFrozen.get(history);
  if (known !== undefined) return known;
  const ordered = history
    .map((event, index) => ({ event, index, at: instantOf(event.at) }))
    .filter(({ at }) => !Number.isNaN(at))
    .sort((a, b) => a.at - b.at || a.index - b.index);
  if (isFrozenHistory(history)) orderedFrozen.set(history, Object.freeze(ordered));
  return ordered;
}

const isFrozenHistory = (history: readonly RolloutEvent[]): boolean =>
  Object.isFrozen(history) && history.every((event) => Object.isFrozen(event));

/** A plan whose instant has come is a switch-on at exactly that instant. */
function advancePlan(fold: Fold, until: number, visit?: (step: RolloutStep) => void): void {
  if (fold.status === 'SCHEDULED' && fold.planned !== null && fold.planned <= until) {
    const at = fold.planned;
    openPeriod(fold, at);
    visit?.({ kind: 'planTookEffect', at });
  }
}

/** Applies one event; false when the event is one the state it meets makes meaningless (ignored). */
function apply(fold: Fold, event: RolloutEvent, at: number): boolean {
  switch (event.kind) {
    case 'SCHEDULED':
    case 'RESCHEDULED': {
      const planned = futurePlan(event, at);
      if ((fold.status !== 'NOT_SCHEDULED' && fold.status !== 'SCHEDULED') || planned === null) return false;
      fold.status = 'SCHEDULED';
      fold.planned = planned;
      return true;
    }
    case 'CANCELLED':
      if (fold.status !== 'SCHEDULED') return false;
      fold.planned = null;
      if (fold.periods.length > 0) {
        // A planned resume cancelled before decide refused that: the pause goes on (records
        // refuses NOT_SCHEDULED with periods, and the plan must not take effect).
        fold.status = 'PAUSED';
        fold.pause = { reason: null, since: at, by: event.actor };
        return true;
      }
      fold.status = 'NOT_SCHEDULED';
      return true;
    case 'SWITCHED_ON':
      if (fold.status !== 'NOT_SCHEDULED' && fold.status !== 'SCHEDULED') return false;
      openPeriod(fold, at);
      return true;
    case 'PAUSED': {
      if (fold.status === 'PAUSED') return false;
      closePeriod(fold, at);
      fold.status = 'PAUSED';
      fold.planned = null;
      const reason = typeof event.reason === 'string' && event.reason.trim() !== '' ? event.reason.trim() : null;
      fold.pause = { reason, since: at, by: event.actor };
      return true;
    }
    case 'RESUMED': {
      if (fold.status !== 'PAUSED') return false;
      if (event.plannedSwitchOnAt === null) {
        openPeriod(fold, at);
        return true;
      }
      const planned = futurePlan(event, at);
      if (planned === null) return false;
      fold.status = 'SCHEDULED';
      fold.planned = planned;
      fold.pause = null;
      return true;
    }
    default:
      // An unknown kind (a row written by a newer version, say) changes nothing.
      return false;
  }
}

/** The event's plan in milliseconds, or null unless it is a valid instant after the event itself. */
function futurePlan(event: RolloutEvent, at: number): number | null {
  const planned = instantOf(event.plannedSwitchOnAt);
  return planned > at ? planned : null;
}

function openPeriod(fold: Fold, from: number): void {
  fold.periods.push({ from, to: null });
  fold.status = 'ENABLED';
  fold.planned = null;
  fold.pause = null;
}

/** Ends the open period, if any; one paused at the instant it opened never existed. */
function closePeriod(fold: Fold, to: number): void {
  const last = fold.periods[fold.periods.length - 1];
  if (last === undefined || last.to !== null) return;
  if (to <= last.from) fold.periods.pop();
  else last.to = to;
}

function toState(fold: Fold): RolloutState {
  const periods = fold.periods.map(({ from, to }) => ({ from: new Date(from), to: to === null ? null : new Date(to) }));
  const pause =
    fold.status === 'PAUSED' && fold.pause !== null
      ? { reason: fold.pause.reason, since: new Date(fold.pause.since), by: { ...fold.pause.by } }
      : null;
  return {
    status: fold.status,
    periods,
    switchOnAt: periods[0] ? new Date(periods[0].from.getTime()) : null,
    plannedSwitchOnAt: fold.status === 'SCHEDULED' && fold.planned !== null ? new Date(fold.planned) : null,
    pauseReason: pause?.reason ?? null,
    pause,
  };
}
