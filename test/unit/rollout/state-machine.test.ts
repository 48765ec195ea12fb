import type { RolloutEvent } from '../../../subgraphs/rollout/domain/rollout-event';
import { deriveRolloutState } from '../../../subgraphs/rollout/domain/rollout-state';
import { decide, type Decision, type RolloutCommand } from '../../../subgraphs/rollout/domain/state-machine';
import { clinician, historyOf, instant, paused, plusMs, scheduled, supplier, switchedOn } from './rollout-builders';

const now = instant('2023-01-04T09:00');
const switchOn = instant('2023-02-01T00:00');

const accepted = (decision: Decision): RolloutEvent => {
  if (!decision.ok) throw new Error(`expected acceptance, got: ${decision.message}`);
  return decision.event;
};

/** Instants as numbers, so an Invalid Date (NaN) still compares equal to itself. */
const snapshot = (history: readonly RolloutEvent[]): unknown[] =>
  history.map((event) => ({ ...event, at: event.at.getTime(), plannedSwitchOnAt: event.plannedSwitchOnAt?.getTime() }));

/** A refusal must leave the history exactly as it was: decide only proposes, never edits. */
function expectRefused(history: RolloutEvent[], command: RolloutCommand, message: RegExp, at = now): void {
  const before = snapshot(history);
  const decision = decide(history, command, supplier, at);
  expect(decision).toEqual({ ok: false, code: expect.any(String), message: expect.stringMatching(message) });
  expect(snapshot(history)).toEqual(before);
  expect(history).toHaveLength(before.length);
}

const enabledHistory = (): RolloutEvent[] => [switchedOn(plusMs(now, -86_400_000))];
const pausedHistory = (): RolloutEvent[] => [paused(plusMs(now, -3_600_000), 'clinical safety review')];
const scheduledHistory = (): RolloutEvent[] => [scheduled(plusMs(now, -86_400_000), switchOn)];

describe('deciding a rollout command', () => {
  describe('scheduleSwitchOn', () => {
    it('plans the switch-on of a practice not yet scheduled: a SCHEDULED event at now', () => {
      expect(decide([], { kind: 'scheduleSwitchOn', at: switchOn }, supplier, now)).toEqual({
        ok: true,
        event: {
          kind: 'SCHEDULED',
          at: now,
          actor: supplier,
          reason: null,
          plannedSwitchOnAt: switchOn,
          noticeOverridden: false,
        },
      });
    });

    it('changes the plan of a scheduled practice: a RESCHEDULED event', () => {
      const deferred = instant('2023-03-01T00:00');
      const event = accepted(decide(scheduledHistory(), { kind: 'scheduleSwitchOn', at: deferred }, supplier, now));
      expect(event).toMatchObject({ kind: 'RESCHEDULED', plannedSwitchOnAt: deferred });
    });

    it('refuses an instant in the past', () => {
      expectRefused([], { kind: 'scheduleSwitchOn', at: plusMs(now, -1) }, /must be in the future/);
    });

    it('refuses the present instant itself', () => {
      expectRefused([], { kind: 'scheduleSwitchOn', at: now }, /must be in the future/);
    });

    it('refuses the very plan already in force', () => {
      const samePlan: RolloutCommand = { kind: 'scheduleSwitchOn', at: switchOn };
      expectRefused(scheduledHistory(), samePlan, /already scheduled for that instant/);
    });

    it('refuses a practice whose access is already on', () => {
      expectRefused(enabledHistory(), { kind: 'scheduleSwitchOn', at: switchOn }, /already on/);
    });

    it('refuses a paused practice: it must be resumed first', () => {
      expectRefused(pausedHistory(), { kind: 'scheduleSwitchOn', at: switchOn }, /paused practice: resume it first/);
    });

    it('refuses once the plan has come, because the practice is then ENABLED', () => {
      expectRefused(scheduledHistory(), { kind: 'scheduleSwitchOn', at: plusMs(switchOn, 1) }, /already on/, switchOn);
    });
  });

  describe('switchOn', () => {
    it('switches a practice on at now, whether or not it was scheduled', () => {
      for (const history of [[], scheduledHistory()]) {
        const event = accepted(decide(history, { kind: 'switchOn' }, supplier, now));
        expect(event).toMatchObject({ kind: 'SWITCHED_ON', at: now });
      }
    });

    it('refuses a paused practice: it must be resumed first', () => {
      expectRefused(pausedHistory(), { kind: 'switchOn' }, /Cannot switch on a paused practice: resume it first/);
    });

    it('refuses a practice whose access is already on', () => {
      expectRefused(enabledHistory(), { kind: 'switchOn' }, /already on/);
    });
  });

  describe('cancelSwitchOn', () => {
    // Switched on, paused, a resume planned for later (a week's notice): cancelling here must not
    // undo the access the practice has had (decision 0013: a planned resume cannot be cancelled).
    const resumeAt = instant('2023-01-20T09:00');
    const resumePlannedHistory = (): RolloutEvent[] =>
      historyOf([
        [instant('2023-01-02T09:00'), { kind: 'switchOn' }],
        [instant('2023-01-03T09:00'), { kind: 'pauseAccess', reason: 'clinical safety review' }],
        [instant('2023-01-03T10:00'), { kind: 'resumeAccess', at: resumeAt }],
      ]);

    it('refuses to cancel a planned resume: the practice stays SCHEDULED with its resume and its access period', () => {
      const history = resumePlannedHistory();
      expectRefused(history, { kind: 'cancelSwitchOn' }, /Cannot cancel a planned resume.*pause the practice again/);
      expect(decide(history, { kind: 'cancelSwitchOn' }, supplier, now)).toMatchObject({ code: 'RESUME_PLANNED' });
      expect(deriveRolloutState(history, now)).toMatchObject({
        status: 'SCHEDULED',
        plannedSwitchOnAt: resumeAt,
        periods: [{ from: instant('2023-01-02T09:00'), to: instant('2023-01-03T09:00') }],
      });
    });

    it('a planned resume is stopped by pausing again: PAUSED, and the resume never takes effect', () => {
      const history = resumePlannedHistory();
      history.push(accepted(decide(history, { kind: 'pauseAccess', reason: 'opt-in model' }, clinician, now)));
      expect(deriveRolloutState(history, resumeAt)).toMatchObject({ status: 'PAUSED', plannedSwitchOnAt: null });
    });

    it('still cancels a resume planned for a practice never switched on: NOT_SCHEDULED, with no periods', () => {
      const history = historyOf([
        [instant('2023-01-02T09:00'), { kind: 'pauseAccess', reason: 'data-protection impact assessment' }],
        [instant('2023-01-03T10:00'), { kind: 'resumeAccess', at: resumeAt }],
      ]);
      history.push(accepted(decide(history, { kind: 'cancelSwitchOn' }, supplier, now)));
      expect(deriveRolloutState(history, resumeAt)).toMatchObject({ status: 'NOT_SCHEDULED', periods: [] });
    });

    it('reads a planned resume cancelled in an older history as the pause going on, never as NOT_SCHEDULED', () => {
      const cancelled = { ...switchedOn(now), kind: 'CANCELLED' as const, plannedSwitchOnAt: resumeAt };
      const history = [...resumePlannedHistory(), cancelled];
      expect(deriveRolloutState(history, resumeAt)).toMatchObject({
        status: 'PAUSED',
        periods: [{ from: instant('2023-01-02T09:00'), to: instant('2023-01-03T09:00') }],
        plannedSwitchOnAt: null,
        pause: { reason: null, since: now, by: supplier },
      });
    });
  });

  describe('pauseAccess', () => {
    it('pauses from any state but PAUSED, with the reason trimmed', () => {
      for (const history of [[], scheduledHistory(), enabledHistory()]) {
        const event = accepted(decide(history, { kind: 'pauseAccess', reason: '  opt-in model \n' }, clinician, now));
        expect(event).toEqual({
          kind: 'PAUSED',
          at: now,
          actor: clinician,
          reason: 'opt-in model',
          plannedSwitchOnAt: null,
          noticeOverridden: false,
        });
      }
    });

    it('refuses a practice already paused', () => {
      expectRefused(pausedHistory(), { kind: 'pauseAccess', reason: 'again' }, /already paused/);
    });

    it.each(['', '   ', '\n\t'])('refuses a blank reason (%j)', (reason) => {
      expectRefused(enabledHistory(), { kind: 'pauseAccess', reason }, /reason/);
    });

    it('accepts a reason of exactly 500 characters and refuses 501', () => {
      expect(decide([], { kind: 'pauseAccess', reason: 'x'.repeat(500) }, supplier, now).ok).toBe(true);
      expectRefused([], { kind: 'pauseAccess', reason: 'x'.repeat(501) }, /at most 500 characters/);
    });

    it('counts characters, not UTF-16 units, as the database column does', () => {
      expect(decide([], { kind: 'pauseAccess', reason: '🩺'.repeat(500) }, supplier, now).ok).toBe(true);
    });
  });

  describe('resumeAccess', () => {
    it('resumes a paused practice now when no instant is given', () => {
      const event = accepted(decide(pausedHistory(), { kind: 'resumeAccess', at: null }, supplier, now));
      expect(event).toEqual({
        kind: 'RESUMED',
        at: now,
        actor: supplier,
        reason: null,
        plannedSwitchOnAt: null,
        noticeOverridden: false,
      });
    });

    it('plans the resume for a future instant', () => {
      const event = accepted(decide(pausedHistory(), { kind: 'resumeAccess', at: switchOn }, supplier, now));
      expect(event).toMatchObject({ kind: 'RESUMED', at: now, plannedSwitchOnAt: switchOn });
    });

    it.each([
      ['NOT_SCHEDULED', (): RolloutEvent[] => []],
      ['SCHEDULED', scheduledHistory],
      ['ENABLED', enabledHistory],
    ])('refuses a practice that is not paused (%s)', (status, history) => {
      expectRefused(history(), { kind: 'resumeAccess', at: null }, new RegExp(`not paused \\(it is ${status}\\)`));
    });

    it('refuses an instant in the past or at now', () => {
      expectRefused(pausedHistory(), { kind: 'resumeAccess', at: now }, /must be in the future/);
      expectRefused(pausedHistory(), { kind: 'resumeAccess', at: plusMs(now, -1) }, /must be in the future/);
    });
  });

  describe('the instant of the event', () => {
    it('is the last event\u2019s instant when the clock went back, so the history stays in order', () => {
      const last = paused(now);
      const event = accepted(decide([last], { kind: 'resumeAccess', at: null }, supplier, plusMs(now, -5_000)));
      expect(event.at).toEqual(now);
    });

    it('judges the state at that instant, so a pause recorded "later" is not forgotten', () => {
      expectRefused([paused(now)], { kind: 'switchOn' }, /paused practice/, plusMs(now, -5_000));
    });

    it('measures "in the future" from that instant too', () => {
      const earlier = plusMs(now, -5_000);
      expectRefused([paused(now)], { kind: 'resumeAccess', at: plusMs(now, -1) }, /must be in the future/, earlier);
    });

    it('is a copy, so later changes to the caller\u2019s dates do not reach the history', () => {
      const at = new Date(switchOn.getTime());
      const clock = new Date(now.getTime());
      const event = accepted(decide([], { kind: 'scheduleSwitchOn', at }, supplier, clock));
      at.setTime(0);
      clock.setTime(0);
      expect(event).toMatchObject({ at: now, plannedSwitchOnAt: switchOn });
    });
  });

  describe('invalid dates', () => {
    const invalid = new Date(Number.NaN);

    it('refuses an invalid current instant', () => {
      expectRefused([], { kind: 'switchOn' }, /current instant is not a valid date/, invalid);
    });

    it('refuses an invalid planned instant', () => {
      expectRefused([], { kind: 'scheduleSwitchOn', at: invalid }, /not a valid date/);
      expectRefused(pausedHistory(), { kind: 'resumeAccess', at: invalid }, /not a valid date/);
    });

    it('refuses to add to a history that holds an invalid date', () => {
      expectRefused([switchedOn(invalid)], { kind: 'pauseAccess', reason: 'review' }, /history holds an invalid date/);
    });
  });

  it('a whole rollout through decide: notified, deferred, switched on, paused and resumed', () => {
    const deferred = instant('2023-02-08T00:00');
    const history = historyOf([
      [now, { kind: 'scheduleSwitchOn', at: switchOn }],
      [instant('2023-01-20T10:00'), { kind: 'scheduleSwitchOn', at: deferred }],
      [instant('2023-02-10T14:30'), { kind: 'pauseAccess', reason: 'safeguarding concerns' }],
      [instant('2023-02-20T08:00'), { kind: 'resumeAccess', at: null }],
    ]);

    expect(history.map((event) => event.kind)).toEqual(['SCHEDULED', 'RESCHEDULED', 'PAUSED', 'RESUMED']);
    expect(deriveRolloutState(history, instant('2023-03-01T00:00'))).toEqual({
      status: 'ENABLED',
      periods: [
        { from: deferred, to: instant('2023-02-10T14:30') },
        { from: instant('2023-02-20T08:00'), to: null },
      ],
      switchOnAt: deferred,
      plannedSwitchOnAt: null,
      pauseReason: null,
      pause: null,
    });
  });
});
