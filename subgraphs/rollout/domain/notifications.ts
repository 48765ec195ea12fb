import { replay, type RolloutStep } from './rollout-state';
import { instantOf, type RolloutEvent } from './rollout-event';

/** What a practice is told about its rollout: one notification per change, newest first. */
export interface PracticeNotification {
  at: Date;
  kind: NotificationKind;
  message: string;
  /** The switch-on instant the notification is about, when there is one. */
  plannedSwitchOnAt: Date | null;
}

export type NotificationKind =
  'SWITCH_ON_SCHEDULED' | 'SWITCH_ON_RESCHEDULED' | 'SWITCH_ON_CANCELLED' | 'SWITCHED_ON' | 'ACCESS_PAUSED' | 'ACCESS_RESUMED';

const iso = (ms: number): string => new Date(ms).toISOString();
const WHO: Record<RolloutEvent['actor']['role'], string> = {
  supplier: 'your GP system supplier',
  clinician: 'your practice',
  nhse: 'NHS England',
};

/**
 * The practice's notifications as of `asOf`, derived from its history by the same fold that
 * derives its state, so what a practice is told can never disagree with what happens. Only
 * changes the fold applied are told (an event it ignores changed nothing); a plan that took
 * effect by itself is told as a switch-on at its instant.
 */
export function notificationsOf(history: readonly RolloutEvent[], asOf: Date): PracticeNotification[] {
  const notifications: PracticeNotification[] = [];
  replay(history, instantOf(asOf), (step) => {
    const notification = notificationFor(step);
    if (notification) notifications.push(notification);
  });
  return notifications.reverse();
}

function notificationFor(step: RolloutStep): PracticeNotification | null {
  if (step.kind === 'planTookEffect') {
    return notice(step.at, 'SWITCHED_ON', 'Automatic access was switched on as planned.', step.at);
  }
  if (!step.applied) return null;
  const { event, at, before, after } = step;
  const who = WHO[event.actor.role] ?? 'someone';
  const shortNotice = event.noticeOverridden ? ' NHS England set it with less than the usual minimum notice.' : '';
  switch (event.kind) {
    case 'SCHEDULED':
      return notice(
        at,
        'SWITCH_ON_SCHEDULED',
        `Automatic access will be switched on at ${iso(after.planned!)}.${shortNotice}`,
        after.planned,
      );
    case 'RESCHEDULED':
      return notice(
        at,
        'SWITCH_ON_RESCHEDULED',
        `The switch-on planned for ${iso(before.planned!)} has moved to ${iso(after.planned!)}.${shortNotice}`,
        after.planned,
      );
    case 'CANCELLED':
      return notice(
        at,
        'SWITCH_ON_CANCELLED',
        `The switch-on planned for ${iso(before.planned!)} has been cancelled by ${who}.`,
        before.planned,
      );
    case 'SWITCHED_ON':
      return notice(at, 'SWITCHED_ON', `Automatic access was switched on by ${who}.`, at);
    case 'PAUSED': {
      const cancelled = before.planned !== null ? ` The switch-on planned for ${iso(before.planned)} will not happen.` : '';
      const reason = event.reason?.trim() ? `: ${event.reason.trim()}` : '';
      return notice(
        at,
        'ACCESS_PAUSED',
        `Automatic access was paused at the request of ${who}${reason}.${cancelled}`,
        before.planned,
      );
    }
    case 'RESUMED':
      return after.status === 'ENABLED'
        ? notice(at, 'ACCESS_RESUMED', `The pause was lifted by ${who}: automatic access is on again.`, at)
        : notice(
            at,
            'SWITCH_ON_SCHEDULED',
            `The pause was lifted by ${who}: automatic access will be switched on at ${iso(after.planned!)}.${shortNotice}`,
            after.planned,
          );
    default:
      return null;
  }
}

const notice = (at: number, kind: NotificationKind, message: string, planned: number | null): PracticeNotification => ({
  at: new Date(at),
  kind,
  message,
  plannedSwitchOnAt: planned === null ? null : new Date(planned),
});
