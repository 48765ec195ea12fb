import { instantOf, type AccessPeriod, type AccessStatus, type RolloutEvent } from './rollout-event';

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
}

/** The fold's working state, in milliseconds so comparisons cannot go wrong on Date identity. */
interface Fold {
  status: AccessStatus;
  periods: { from: number; to: number | null }[];
  planned: number | null;
  pauseReason: string | null;
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
 *   SCHEDULED/RESCHEDULED while ENABLED or PAUSED, PAUSED while PAUSED, RESUMED unless PAUSED);
 * - a plan (SCHEDULED, RESCHEDULED or RESUMED with an instant) that is missing, invalid or
 *   not after its own `at` is ignored, so a RESUMED with such a plan leaves the practice paused;
 * - SCHEDULED and RESCHEDULED are read alike (both set the plan);
 * - a PAUSED without a reason still pauses (stopping access is the safe side); pauseReason is null.
 * So periods are always sorted, non-overlapping and non-empty, and only an ENABLED practice
 * has an open one. An invalid `asOf` counts no event: NOT_SCHEDULED.
 */
export function deriveRolloutState(history: readonly RolloutEvent[], asOf: Date): RolloutState {
  const limit = instantOf(asOf);
  const counted = history
    .map((event, index) => ({ event, index, at: instantOf(event.at) }))
    .filter(({ at }) => at <= limit)
    .sort((a, b) => a.at - b.at || a.index - b.index);

  const fold: Fold = { status: 'NOT_SCHEDULED', periods: [], planned: null, pauseReason: null };
  for (const { event, at } of counted) {
    advancePlan(fold, at);
    apply(fold, event, at);
  }
  advancePlan(fold, limit);
  return toState(fold);
}

/** A plan whose instant has come is a switch-on at exactly that instant. */
function advancePlan(fold: Fold, until: number): void {
  if (fold.status === 'SCHEDULED' && fold.planned !== null && fold.planned <= until) {
    openPeriod(fold, fold.planned);
  }
}

function apply(fold: Fold, event: RolloutEvent, at: number): void {
  switch (event.kind) {
    case 'SCHEDULED':
    case 'RESCHEDULED': {
      const planned = futurePlan(event, at);
      if ((fold.status === 'NOT_SCHEDULED' || fold.status === 'SCHEDULED') && planned !== null) {
        fold.status = 'SCHEDULED';
        fold.planned = planned;
      }
      return;
    }
    case 'SWITCHED_ON':
      if (fold.status === 'NOT_SCHEDULED' || fold.status === 'SCHEDULED') openPeriod(fold, at);
      return;
    case 'PAUSED':
      if (fold.status !== 'PAUSED') {
        closePeriod(fold, at);
        fold.status = 'PAUSED';
        fold.planned = null;
        fold.pauseReason = typeof event.reason === 'string' && event.reason.trim() !== '' ? event.reason.trim() : null;
      }
      return;
    case 'RESUMED': {
      if (fold.status !== 'PAUSED') return;
      if (event.plannedSwitchOnAt === null) {
        openPeriod(fold, at);
        return;
      }
      const planned = futurePlan(event, at);
      if (planned !== null) {
        fold.status = 'SCHEDULED';
        fold.planned = planned;
        fold.pauseReason = null;
      }
      return;
    }
    default:
      // An unknown kind (a row written by a newer version, say) changes nothing.
      return;
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
  fold.pauseReason = null;
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
  return {
    status: fold.status,
    periods,
    switchOnAt: periods[0] ? new Date(periods[0].from.getTime()) : null,
    plannedSwitchOnAt: fold.status === 'SCHEDULED' && fold.planned !== null ? new Date(fold.planned) : null,
    pauseReason: fold.status === 'PAUSED' ? fold.pauseReason : null,
  };
}
