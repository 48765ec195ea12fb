import { instantOf, isValidInstant, type Actor, type RolloutEvent } from './rollout-event';
import { deriveRolloutState } from './rollout-state';

/**
 * What a caller may ask of a practice's rollout; role checks happen before, in the resolvers.
 * `overrideMinimumNotice` is honoured only for NHS England (the resolvers refuse it from anyone else).
 */
export type RolloutCommand =
  | { kind: 'scheduleSwitchOn'; at: Date; overrideMinimumNotice?: boolean }
  | { kind: 'cancelSwitchOn' }
  | { kind: 'switchOn' }
  | { kind: 'pauseAccess'; reason: string }
  | { kind: 'resumeAccess'; at: Date | null; overrideMinimumNotice?: boolean };

/** Why a command was refused, for callers that act on it (a wave skips a paused practice). */
export type RefusalCode =
  | 'ALREADY_ENABLED'
  | 'PAUSED'
  | 'ALREADY_SCHEDULED'
  | 'NOT_SCHEDULED'
  | 'RESUME_PLANNED'
  | 'NOT_PAUSED'
  | 'NOT_IN_FUTURE'
  | 'SHORT_NOTICE'
  | 'INVALID';

export type Refusal = { ok: false; code: RefusalCode; message: string };
export type Decision = { ok: true; event: RolloutEvent } | Refusal;

/** How much notice a practice gets of a planned switch-on. */
export interface NoticePolicy {
  minimumNoticeMs: number;
}

export const DAY_MS = 86_400_000;
/** The default: suppliers give practices at least a week's notice of a planned switch-on. */
export const DEFAULT_NOTICE_POLICY: NoticePolicy = { minimumNoticeMs: 7 * DAY_MS };

/** Matches the reason column (varchar(500)); counted in characters, not UTF-16 units. */
export const MAX_PAUSE_REASON_LENGTH = 500;

/**
 * Decides whether `command` is allowed after `history` and, if so, the one event to append.
 * Never throws: every refusal is a code and a message for the caller.
 *
 * The event is recorded at `now`, or at the last event's instant if the clock went back, so
 * the history stays ordered; the state is judged, and "in the future" and the notice measured,
 * at that same instant, so the event is always one the derivation will apply.
 *
 * Every planned instant (scheduleSwitchOn, resumeAccess with an instant) must give the
 * practice the policy's minimum notice; NHS England may override it, and the event says so.
 *
 * A practice whose access has been on never goes back to NOT_SCHEDULED (which means "never
 * on", and which records refuses with periods): its planned resume is stopped by a pause.
 */
export function decide(
  history: readonly RolloutEvent[],
  command: RolloutCommand,
  actor: Actor,
  now: Date,
  policy: NoticePolicy = DEFAULT_NOTICE_POLICY,
): Decision {
  const invalid = invalidInstant(history, command, now);
  if (invalid !== null) return refuse('INVALID', invalid);

  const at = new Date(history.reduce((latest, event) => Math.max(latest, event.at.getTime()), now.getTime()));
  const state = deriveRolloutState(history, at);
  const event = (fields: Pick<RolloutEvent, 'kind'> & Partial<RolloutEvent>): Decision => ({
    ok: true,
    event: {
      at,
      actor: { role: actor.role, id: actor.id },
      reason: null,
      plannedSwitchOnAt: null,
      noticeOverridden: false,
      ...fields,
    },
  });
  /** The plan's notice: refused, or accepted with noticeOverridden when nhse overrode it. */
  const notice = (planned: Date, override: boolean | undefined): Refusal | { noticeOverridden: boolean } => {
    if (planned.getTime() <= at.getTime()) {
      return refuse('NOT_IN_FUTURE', `Cannot plan a switch-on at ${planned.toISOString()}: the instant must be in the future`);
    }
    if (planned.getTime() - at.getTime() >= policy.minimumNoticeMs) return { noticeOverridden: false };
    if (override === true && actor.role === 'nhse') return { noticeOverridden: true };
    return refuse(
      'SHORT_NOTICE',
      `Practices must be told at least ${describeNotice(policy.minimumNoticeMs)} before a switch-on: ` +
        `plan it for ${new Date(at.getTime() + policy.minimumNoticeMs).toISOString()} or later` +
        (actor.role === 'nhse' ? ' (or override the minimum notice)' : ''),
    );
  };

  switch (command.kind) {
    case 'scheduleSwitchOn': {
      if (state.status === 'ENABLED') return refuse('ALREADY_ENABLED', 'Cannot schedule a switch-on: access is already on');
      if (state.status === 'PAUSED') {
        return refuse(
          'PAUSED',
          'Cannot schedule a switch-on for a paused practice: resume it first (resumeAccess with an instant)',
        );
      }
      if (state.plannedSwitchOnAt?.getTime() === command.at.getTime()) {
        return refuse('ALREADY_SCHEDULED', `The practice is already scheduled for that instant (${command.at.toISOString()})`);
      }
      const checked = notice(command.at, command.overrideMinimumNotice);
      if ('ok' in checked) return checked;
      return event({
        kind: state.status === 'SCHEDULED' ? 'RESCHEDULED' : 'SCHEDULED',
        plannedSwitchOnAt: new Date(command.at.getTime()),
        noticeOverridden: checked.noticeOverridden,
      });
    }
    case 'cancelSwitchOn':
      if (state.status !== 'SCHEDULED') {
        return refuse('NOT_SCHEDULED', `Cannot cancel a switch-on: none is planned (the practice is ${state.status})`);
      }
      // Access has been on, so NOT_SCHEDULED ("never on") would be false, and records refuses it.
      if (state.periods.length > 0) {
        return refuse(
          'RESUME_PLANNED',
          'Cannot cancel a planned resume: access has been on at this practice, so it cannot become NOT_SCHEDULED. ' +
            'To stop the resume, pause the practice again (pauseAccess)',
        );
      }
      return event({ kind: 'CANCELLED', plannedSwitchOnAt: state.plannedSwitchOnAt });
    case 'switchOn':
      if (state.status === 'ENABLED') return refuse('ALREADY_ENABLED', 'Cannot switch on: access is already on');
      if (state.status === 'PAUSED') return refuse('PAUSED', 'Cannot switch on a paused practice: resume it first');
      return event({ kind: 'SWITCHED_ON' });
    case 'pauseAccess': {
      const reason = typeof command.reason === 'string' ? command.reason.trim() : '';
      if (reason === '') {
        return refuse('INVALID', 'Cannot pause without a reason: it is recorded in the history and shown to staff');
      }
      if ([...reason].length > MAX_PAUSE_REASON_LENGTH) {
        return refuse('INVALID', `The pause reason is too long: at most ${MAX_PAUSE_REASON_LENGTH} characters`);
      }
      if (state.status === 'PAUSED') return refuse('PAUSED', 'Cannot pause a practice that is already paused');
      return event({ kind: 'PAUSED', reason });
    }
    case 'resumeAccess': {
      if (state.status !== 'PAUSED') {
        return refuse('NOT_PAUSED', `Cannot resume a practice that is not paused (it is ${state.status})`);
      }
      if (command.at === null) return event({ kind: 'RESUMED' });
      const checked = notice(command.at, command.overrideMinimumNotice);
      if ('ok' in checked) {
        if (checked.code !== 'NOT_IN_FUTURE') return checked;
        const message = `Cannot resume at ${command.at.toISOString()}: the instant must be in the future (omit it to resume now)`;
        return refuse('NOT_IN_FUTURE', message);
      }
      return event({
        kind: 'RESUMED',
        plannedSwitchOnAt: new Date(command.at.getTime()),
        noticeOverridden: checked.noticeOverridden,
      });
    }
    default:
      return refuse('INVALID', unknownCommand(command));
  }
}

/** "7 days", "36 hours": the policy in words for messages. */
export function describeNotice(ms: number): string {
  if (ms % DAY_MS === 0) return ms === DAY_MS ? '1 day' : `${ms / DAY_MS} days`;
  const hours = ms / 3_600_000;
  return Number.isInteger(hours) ? `${hours} hours` : `${Math.ceil(ms / 60_000)} minutes`;
}

const refuse = (code: RefusalCode, message: string): Refusal => ({ ok: false, code, message });

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
