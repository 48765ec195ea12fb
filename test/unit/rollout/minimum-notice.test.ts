import type { Actor } from '../../../subgraphs/rollout/domain/rollout-event';
import { deriveRolloutState } from '../../../subgraphs/rollout/domain/rollout-state';
import { DAY_MS, decide, describeNotice, type Decision } from '../../../subgraphs/rollout/domain/state-machine';
import { instant, paused, plusMs, scheduled, supplier } from './rollout-builders';

const now = instant('2023-01-04T09:00');
const week = { minimumNoticeMs: 7 * DAY_MS };
const nhse: Actor = { role: 'nhse', id: 'nhse-rollout-team' };
const exactlyAWeek = plusMs(now, 7 * DAY_MS);
const aMillisecondShort = plusMs(exactlyAWeek, -1);

const refusal = (decision: Decision) => (decision.ok ? null : { code: decision.code, message: decision.message });

describe('the minimum notice of a planned switch-on', () => {
  it('accepts a plan exactly the minimum notice ahead, and refuses one a millisecond less', () => {
    expect(decide([], { kind: 'scheduleSwitchOn', at: exactlyAWeek }, supplier, now, week)).toMatchObject({
      ok: true,
      event: { kind: 'SCHEDULED', plannedSwitchOnAt: exactlyAWeek, noticeOverridden: false },
    });
    expect(refusal(decide([], { kind: 'scheduleSwitchOn', at: aMillisecondShort }, supplier, now, week))).toEqual({
      code: 'SHORT_NOTICE',
      message: expect.stringMatching(/at least 7 days before a switch-on: plan it for 2023-01-11T09:00:00.000Z or later$/),
    });
  });

  it('is 7 days when no policy is given', () => {
    expect(refusal(decide([], { kind: 'scheduleSwitchOn', at: aMillisecondShort }, supplier, now))?.code).toBe('SHORT_NOTICE');
  });

  it('holds for a reschedule, measured from the moment of the change, not the first notice', () => {
    const history = [scheduled(plusMs(now, -30 * DAY_MS), plusMs(now, 10 * DAY_MS))];
    expect(refusal(decide(history, { kind: 'scheduleSwitchOn', at: plusMs(now, 3 * DAY_MS) }, supplier, now, week))?.code).toBe(
      'SHORT_NOTICE',
    );
    expect(decide(history, { kind: 'scheduleSwitchOn', at: plusMs(now, 8 * DAY_MS) }, supplier, now, week)).toMatchObject({
      ok: true,
      event: { kind: 'RESCHEDULED' },
    });
  });

  it('holds for a resume planned for later, but not for a resume now', () => {
    const history = [paused(plusMs(now, -DAY_MS))];
    expect(refusal(decide(history, { kind: 'resumeAccess', at: plusMs(now, DAY_MS) }, supplier, now, week))?.code).toBe(
      'SHORT_NOTICE',
    );
    expect(decide(history, { kind: 'resumeAccess', at: null }, supplier, now, week)).toMatchObject({ ok: true });
  });

  it('nhse may override it, and the event says so; without asking to, nhse is held to it too', () => {
    const command = { kind: 'scheduleSwitchOn' as const, at: plusMs(now, DAY_MS) };
    expect(refusal(decide([], command, nhse, now, week))).toEqual({
      code: 'SHORT_NOTICE',
      message: expect.stringContaining('(or override the minimum notice)'),
    });
    expect(decide([], { ...command, overrideMinimumNotice: true }, nhse, now, week)).toMatchObject({
      ok: true,
      event: { kind: 'SCHEDULED', noticeOverridden: true, actor: nhse },
    });
  });

  it('an override is recorded only when the notice really was short', () => {
    const decision = decide([], { kind: 'scheduleSwitchOn', at: exactlyAWeek, overrideMinimumNotice: true }, nhse, now, week);
    expect(decision).toMatchObject({ ok: true, event: { noticeOverridden: false } });
  });

  it('a supplier cannot override it, even by asking', () => {
    const command = { kind: 'scheduleSwitchOn' as const, at: plusMs(now, DAY_MS), overrideMinimumNotice: true };
    expect(refusal(decide([], command, supplier, now, week))?.code).toBe('SHORT_NOTICE');
  });

  it('an overridden plan takes effect like any other', () => {
    const decision = decide(
      [],
      { kind: 'scheduleSwitchOn', at: plusMs(now, 60_000), overrideMinimumNotice: true },
      nhse,
      now,
      week,
    );
    if (!decision.ok) throw new Error(decision.message);
    expect(deriveRolloutState([decision.event], plusMs(now, 60_000)).status).toBe('ENABLED');
  });

  it('zero notice still needs an instant in the future', () => {
    expect(refusal(decide([], { kind: 'scheduleSwitchOn', at: now }, supplier, now, { minimumNoticeMs: 0 }))?.code).toBe(
      'NOT_IN_FUTURE',
    );
  });

  it('is described in words in messages', () => {
    expect([describeNotice(7 * DAY_MS), describeNotice(DAY_MS), describeNotice(36 * 3_600_000), describeNotice(90_000)]).toEqual([
      '7 days',
      '1 day',
      '36 hours',
      '2 minutes',
    ]);
  });
});

describe('cancelling a planned switch-on', () => {
  const plan = plusMs(now, 20 * DAY_MS);

  it('a SCHEDULED practice becomes NOT_SCHEDULED; the event keeps the plan it cancelled', () => {
    const history = [scheduled(plusMs(now, -DAY_MS), plan)];
    const decision = decide(history, { kind: 'cancelSwitchOn' }, supplier, now, week);
    expect(decision).toMatchObject({ ok: true, event: { kind: 'CANCELLED', at: now, plannedSwitchOnAt: plan } });
    if (!decision.ok) return;
    const after = [...history, decision.event];
    expect(deriveRolloutState(after, plan)).toMatchObject({ status: 'NOT_SCHEDULED', plannedSwitchOnAt: null, periods: [] });
  });

  it('is refused unless a switch-on is planned', () => {
    expect(refusal(decide([], { kind: 'cancelSwitchOn' }, supplier, now, week))).toEqual({
      code: 'NOT_SCHEDULED',
      message: 'Cannot cancel a switch-on: none is planned (the practice is NOT_SCHEDULED)',
    });
    expect(refusal(decide([paused(now)], { kind: 'cancelSwitchOn' }, supplier, now, week))?.code).toBe('NOT_SCHEDULED');
  });

  it('is refused once the plan has come: the practice is then ENABLED', () => {
    const history = [scheduled(plusMs(now, -DAY_MS), plusMs(now, -1))];
    expect(refusal(decide(history, { kind: 'cancelSwitchOn' }, supplier, now, week))?.message).toMatch(/ENABLED/);
  });

  it('a practice may be scheduled again after a cancel', () => {
    const history = [scheduled(plusMs(now, -DAY_MS), plan)];
    const cancel = decide(history, { kind: 'cancelSwitchOn' }, supplier, now, week);
    if (!cancel.ok) throw new Error(cancel.message);
    const again = decide([...history, cancel.event], { kind: 'scheduleSwitchOn', at: plan }, supplier, now, week);
    expect(again).toMatchObject({ ok: true, event: { kind: 'SCHEDULED' } });
  });
});
