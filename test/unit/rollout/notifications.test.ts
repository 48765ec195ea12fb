import type { Actor } from '../../../subgraphs/rollout/domain/rollout-event';
import { notificationsOf } from '../../../subgraphs/rollout/domain/notifications';
import { clinician, instant, paused, plusMs, rescheduled, resumed, scheduled, switchedOn } from './rollout-builders';

const nhse: Actor = { role: 'nhse', id: 'nhse-rollout-team' };
const notified = instant('2023-01-05T09:00');
const planned = instant('2023-02-01T00:00');
const moved = instant('2023-02-08T00:00');

const brief = (history: Parameters<typeof notificationsOf>[0], asOf: Date) =>
  notificationsOf(history, asOf).map(({ at, kind, plannedSwitchOnAt }) => ({ at, kind, plannedSwitchOnAt }));

describe("a practice's notifications, derived from its history", () => {
  it('tells of a plan, its move and, once its instant has come, the switch-on itself; newest first', () => {
    const history = [scheduled(notified, planned), rescheduled(instant('2023-01-20T10:00'), moved)];
    expect(brief(history, moved)).toEqual([
      { at: moved, kind: 'SWITCHED_ON', plannedSwitchOnAt: moved },
      { at: instant('2023-01-20T10:00'), kind: 'SWITCH_ON_RESCHEDULED', plannedSwitchOnAt: moved },
      { at: notified, kind: 'SWITCH_ON_SCHEDULED', plannedSwitchOnAt: planned },
    ]);
    expect(notificationsOf(history, moved)[1]!.message).toBe(
      'The switch-on planned for 2023-02-01T00:00:00.000Z has moved to 2023-02-08T00:00:00.000Z.',
    );
  });

  it('says nothing of the switch-on before its instant: 1 ms before, only the plan', () => {
    expect(brief([scheduled(notified, planned)], plusMs(planned, -1)).map((n) => n.kind)).toEqual(['SWITCH_ON_SCHEDULED']);
  });

  it('tells of a cancel, with the plan that was cancelled and who cancelled it', () => {
    const cancelAt = instant('2023-01-10T09:00');
    const history = [
      scheduled(notified, planned),
      { ...switchedOn(cancelAt), kind: 'CANCELLED' as const, plannedSwitchOnAt: planned },
    ];
    const [latest] = notificationsOf(history, planned);
    expect(latest).toEqual({
      at: cancelAt,
      kind: 'SWITCH_ON_CANCELLED',
      message: 'The switch-on planned for 2023-02-01T00:00:00.000Z has been cancelled by your GP system supplier.',
      plannedSwitchOnAt: planned,
    });
    expect(notificationsOf(history, plusMs(planned, 1)).map((n) => n.kind)).not.toContain('SWITCHED_ON');
  });

  it('a pause of a scheduled practice says the planned switch-on will not happen, and why', () => {
    const pausedAt = instant('2023-01-25T12:00');
    const [latest] = notificationsOf([scheduled(notified, planned), paused(pausedAt, 'opt-in model')], planned);
    expect(latest).toEqual({
      at: pausedAt,
      kind: 'ACCESS_PAUSED',
      message:
        'Automatic access was paused at the request of your practice: opt-in model. ' +
        'The switch-on planned for 2023-02-01T00:00:00.000Z will not happen.',
      plannedSwitchOnAt: planned,
    });
  });

  it('a resume is told as access on again, or as a new plan', () => {
    const on = [switchedOn(notified), paused(instant('2023-01-10T09:00'), 'review')];
    expect(brief([...on, resumed(instant('2023-01-20T09:00'))], instant('2023-03-01T00:00'))[0]).toMatchObject({
      kind: 'ACCESS_RESUMED',
    });
    expect(brief([...on, resumed(instant('2023-01-20T09:00'), moved)], instant('2023-01-21T00:00'))[0]).toEqual({
      at: instant('2023-01-20T09:00'),
      kind: 'SWITCH_ON_SCHEDULED',
      plannedSwitchOnAt: moved,
    });
  });

  it('says when NHS England set a plan with less than the minimum notice', () => {
    const history = [{ ...scheduled(notified, planned), actor: nhse, noticeOverridden: true }];
    expect(notificationsOf(history, notified)[0]!.message).toBe(
      'Automatic access will be switched on at 2023-02-01T00:00:00.000Z. NHS England set it with less than the usual minimum notice.',
    );
  });

  it('an event the history could not apply tells nothing (a switch-on while paused)', () => {
    const history = [paused(notified, 'review'), switchedOn(instant('2023-01-06T09:00'))];
    expect(brief(history, instant('2023-02-01T00:00')).map((n) => n.kind)).toEqual(['ACCESS_PAUSED']);
  });

  it('nothing happened, nothing to tell; and nothing recorded after asOf', () => {
    expect(notificationsOf([], planned)).toEqual([]);
    expect(notificationsOf([scheduled(notified, planned)], plusMs(notified, -1))).toEqual([]);
  });

  it('names who asked in words the practice knows', () => {
    const history = [{ ...switchedOn(notified), actor: clinician }];
    expect(notificationsOf(history, planned)[0]!.message).toBe('Automatic access was switched on by your practice.');
    expect(notificationsOf([switchedOn(notified)], planned)[0]!.message).toMatch(/by your GP system supplier/);
  });
});
