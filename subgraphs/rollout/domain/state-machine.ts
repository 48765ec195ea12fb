import { instantOf, isValidInstant, type Actor, type RolloutEvent } from './rollout-event';
import { deriveRolloutState } from './rollout-state';

/** What a caller may ask of a practice's rollout; role checks happen before, in the resolvers. */
export type RolloutCommand =
  | { kind: 'scheduleSwitchOn'; at: Date }
  | { kind: 'switchOn' }
  | { kind: 'pauseAccess'; reason: string }
  | { kind: 'resumeAccess'; at: Date | null };

export type Decision = { ok: true; event: RolloutEvent } | { ok: false; message: string };

/** Matches the reason column (varchar(500)); counted in characters, not UTF-16 units. */
export const MAX_PAUSE_REASON_LENGTH = 500;

/**
 * Decides whether `command` is allowed after `history` and, if so, the one event to append.
 * Never throws: every refusal is a message for the caller.
 *
 * The event is recorded at `now`, or at the last event's instant if the clock went back, so
 * the history stays ordered; the state is judged, and "in the future" measured, at that same
 * instant, so the event is always one the derivation will apply.
 */
export function decide(history: readonly RolloutEvent[], command: RolloutCommand, actor: Actor, now: Date): Decision {
  const invalid = invalidInstant(history, command, now);
  if (invalid !== null) return refuse(invalid);

  const at = new Date(history.reduce((latest, event) => Math.max(latest, event.at.getTime()), now.getTime()));
  const state = deriveRolloutState(history, at);
  const event = (fields: Pick<RolloutEvent, 'kind'> & Partial<RolloutEvent>): Decision => ({
    ok: true,
    event: { at, actor: { role: actor.role, id: actor.id }, reason: null, plannedSwitchOnAt: null, ...fields },
  });

  switch (command.kind) {
    case 'scheduleSwitchOn': {
      if (state.status === 'ENABLED') return refuse('Cannot schedule a switch-on: access is already on');
      if (state.status === 'PAUSED') {
        return refuse('Cannot schedule a switch-on for a paused practice: resume it first (resumeAccess with an instant)');
      }
      if (command.at.getTime() <= at.getTime()) {
        return refuse(`Cannot schedule a switch-on at ${command.at.toISOString()}: the instant must be in the future`);
      }
      if (state.plannedSwitchOnAt?.getTime() === command.at.getTime()) {
        return refuse(`The practice is already scheduled for that instant (${command.at.toISOString()})`);
      }
      return event({
        kind: state.status === 'SCHEDULED' ? 'RESCHEDULED' : 'SCHEDULED',
        plannedSwitchOnAt: new Date(command.at.getTime()),
      });
    }
    case 'switchOn':
      if (state.status === 'ENABLED') return refuse('Cannot switch on: access is already on');
      if (state.status === 'PAUSED') return refuse('Cannot switch on a paused practice: resume it first');
      return event({ kind: 'SWITCHED_ON' });
    case 'pauseAccess': {
      const reason = typeof command.reason === 'string' ? command.reason.trim() : '';
      if (reason === '') {
        return refuse('Cannot pause without a reason: it is recorded in the history and shown to staff');
      }
      if ([...reason].length > MAX_PAUSE_REASON_LENGTH) {
        return refuse(`The pause reason is too long: at most ${MAX_PAUSE_REASON_LENGTH} characters`);
      }
      if (state.status === 'PAUSED') return refuse('Cannot pause a practice that is already paused');
      return event({ kind: 'PAUSED', reason });
    }
    case 'resumeAccess':
      if (state.status !== 'PAUSED') {
        return refuse(`Cannot resume a practice that is not paused (it is ${state.status})`);
      }
      if (command.at === null) return event({ kind: 'RESUMED' });
      if (command.at.getTime() <= at.getTime()) {
        return refuse(`Cannot resume at ${command.at.toISOString()}: the instant must be in the future (omit it to resume now)`);
      }
      return event({ kind: 'RESUMED', plannedSwitchOnAt: new Date(command.at.getTime()) });
    default:
      return refuse(unknownCommand(command));
  }
}

const refuse = (message: string): Decision => ({ ok: false, message });

/** An Invalid Date anywhere would make every comparison false and slip past the rules. */
function invalidInstant(history: readonly RolloutEvent[], command: RolloutCommand, now: Date): string | null {
  if (!isValidInstant(now)) return 'The current instant is not a valid date';
  if ((command.kind === 'scheduleSwitchOn' || command.kind === 'resumeAccess') && command.at !== null) {
    if (!isValidInstant(command.at)) return 'The instant given is not a valid date';
  }
  const corrupt = history.some(
    (event) =>
      !isValidInstant(event.at) || (event.plannedSwitchOnAt !== null && Number.isNaN(instantOf(event.plannedSwitchOnAt))),
  );
  return corrupt ? 'The rollout history holds an invalid date; it must be repaired before any change' : null;
}

/** Reached only by an untyped caller; `never` keeps the switch above exhaustive. */
function unknownCommand(command: never): string {
  const kind: unknown = (command as { kind?: unknown }).kind;
  return `Unknown rollout command: ${String(kind)}`;
}
