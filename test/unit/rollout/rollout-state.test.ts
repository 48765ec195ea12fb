import { deriveRolloutState } from '../../../subgraphs/rollout/domain/rollout-state';
import type { RolloutEvent } from '../../../subgraphs/rollout/domain/rollout-event';
import { clinician, instant, paused, plusMs, rescheduled, resumed, scheduled, switchedOn } from './rollout-builders';
import { periodProblems } from './period-invariants';

const notified = instant('2023-01-04T09:00');
const switchOn = instant('2023-02-01T00:00');

describe('deriving a practice rollout state from its history', () => {
  it('a practice with no history is NOT_SCHEDULED, with no periods', () => {
    expect(deriveRolloutState([], switchOn)).toEqual({
      status: 'NOT_SCHEDULED',
      periods: [],
      switchOnAt: null,
      plannedSwitchOnAt: null,
      pauseReason: null,
      pause: null,
    });
  });

  describe('a plan takes effect by itself at its instant', () => {
    const history = [scheduled(notified, switchOn)];

    it('1 ms before the planned instant the practice is SCHEDULED for it', () => {
      expect(deriveRolloutState(history, plusMs(switchOn, -1))).toEqual({
        status: 'SCHEDULED',
        periods: [],
        switchOnAt: null,
        plannedSwitchOnAt: switchOn,
        pauseReason: null,
        pause: null,
      });
    });

    it('at the planned instant the practice is ENABLED with an open period from exactly that instant', () => {
      expect(deriveRolloutState(history, switchOn)).toEqual({
        status: 'ENABLED',
        periods: [{ from: switchOn, to: null }],
        switchOnAt: switchOn,
        plannedSwitchOnAt: null,
        pauseReason: null,
        pause: null,
      });
    });

    it('long after the planned instant the period still starts at the plan, not at the question', () => {
      const state = deriveRolloutState(history, instant('2024-06-01T00:00'));
      expect(state.periods).toEqual([{ from: switchOn, to: null }]);
    });
  });

  it('a reschedule before the plan moves the switch-on to the new instant', () => {
    const deferred = instant('2023-03-01T00:00');
    const history = [scheduled(notified, switchOn), rescheduled(instant('2023-01-20T10:00'), deferred)];

    expect(deriveRolloutState(history, switchOn)).toMatchObject({ status: 'SCHEDULED', plannedSwitchOnAt: deferred });
    expect(deriveRolloutState(history, deferred)).toMatchObject({
      status: 'ENABLED',
      periods: [{ from: deferred, to: null }],
    });
  });

  it('a reschedule recorded after the plan came is too late: access is already on', () => {
    const history = [scheduled(notified, switchOn), rescheduled(switchOn, instant('2023-03-01T00:00'))];

    expect(deriveRolloutState(history, instant('2023-02-15T00:00'))).toMatchObject({
      status: 'ENABLED',
      periods: [{ from: switchOn, to: null }],
    });
  });

  it('a pause while ENABLED closes the period at the pause instant and records the reason', () => {
    const pausedAt = instant('2023-02-10T14:30');
    const history = [switchedOn(switchOn), paused(pausedAt, 'data-protection impact assessment')];

    expect(deriveRolloutState(history, plusMs(pausedAt, -1))).toMatchObject({ status: 'ENABLED' });
    expect(deriveRolloutState(history, pausedAt)).toEqual({
      status: 'PAUSED',
      periods: [{ from: switchOn, to: pausedAt }],
      switchOnAt: switchOn,
      plannedSwitchOnAt: null,
      pauseReason: 'data-protection impact assessment',
      pause: { reason: 'data-protection impact assessment', since: pausedAt, by: clinician },
    });
  });

  it('a pause while SCHEDULED drops the plan: the planned instant passes with access off', () => {
    const history = [scheduled(notified, switchOn), paused(instant('2023-01-25T12:00'), 'opt-in model')];

    expect(deriveRolloutState(history, instant('2023-03-01T00:00'))).toEqual({
      status: 'PAUSED',
      periods: [],
      switchOnAt: null,
      plannedSwitchOnAt: null,
      pauseReason: 'opt-in model',
      pause: { reason: 'opt-in model', since: instant('2023-01-25T12:00'), by: clinician },
    });
  });

  it('a resume without an instant opens a new period at once', () => {
    const pausedAt = instant('2023-02-10T14:30');
    const resumedAt = instant('2023-02-20T08:00');
    const history = [switchedOn(switchOn), paused(pausedAt), resumed(resumedAt)];

    expect(deriveRolloutState(history, resumedAt)).toEqual({
      status: 'ENABLED',
      periods: [
        { from: switchOn, to: pausedAt },
        { from: resumedAt, to: null },
      ],
      switchOnAt: switchOn,
      plannedSwitchOnAt: null,
      pauseReason: null,
      pause: null,
    });
  });

  it('a resume to a future instant is SCHEDULED until that instant, then ENABLED from it', () => {
    const pausedAt = instant('2023-02-10T14:30');
    const resumedAt = instant('2023-02-20T08:00');
    const backOn = instant('2023-03-01T00:00');
    const history = [switchedOn(switchOn), paused(pausedAt), resumed(resumedAt, backOn)];

    expect(deriveRolloutState(history, plusMs(backOn, -1))).toMatchObject({
      status: 'SCHEDULED',
      plannedSwitchOnAt: backOn,
      pauseReason: null,
      pause: null,
      periods: [{ from: switchOn, to: pausedAt }],
    });
    expect(deriveRolloutState(history, backOn)).toMatchObject({
      status: 'ENABLED',
      plannedSwitchOnAt: null,
      periods: [
        { from: switchOn, to: pausedAt },
        { from: backOn, to: null },
      ],
    });
  });

  it('pause, resume, pause, resume gives one period per spell of access, oldest first', () => {
    const [p1, r1, p2, r2] = [2, 3, 4, 5].map((day) => instant(`2023-02-0${day}T00:00`)) as [Date, Date, Date, Date];
    const history = [switchedOn(switchOn), paused(p1), resumed(r1), paused(p2, 'safeguarding concerns'), resumed(r2)];

    expect(deriveRolloutState(history, plusMs(r2, -1))).toMatchObject({
      status: 'PAUSED',
      pauseReason: 'safeguarding concerns',
      periods: [
        { from: switchOn, to: p1 },
        { from: r1, to: p2 },
      ],
    });
    expect(deriveRolloutState(history, r2).periods).toEqual([
      { from: switchOn, to: p1 },
      { from: r1, to: p2 },
      { from: r2, to: null },
    ]);
  });

  it('a pause at the exact planned switch-on instant leaves no zero-length period', () => {
    const history = [scheduled(notified, switchOn), paused(switchOn)];

    expect(deriveRolloutState(history, instant('2023-03-01T00:00'))).toMatchObject({
      status: 'PAUSED',
      periods: [],
      switchOnAt: null,
    });
  });

  it('a pause at the exact instant of a switch-on leaves no zero-length period', () => {
    const history = [switchedOn(switchOn), paused(switchOn)];

    expect(deriveRolloutState(history, switchOn)).toMatchObject({ status: 'PAUSED', periods: [] });
  });

  it('an as-of question in the past ignores events recorded later', () => {
    const history = [scheduled(notified, switchOn), paused(instant('2023-02-10T00:00'))];

    expect(deriveRolloutState(history, instant('2023-02-05T00:00'))).toEqual({
      status: 'ENABLED',
      periods: [{ from: switchOn, to: null }],
      switchOnAt: switchOn,
      plannedSwitchOnAt: null,
      pauseReason: null,
      pause: null,
    });
    expect(deriveRolloutState(history, plusMs(notified, -1)).status).toBe('NOT_SCHEDULED');
  });

  it('events recorded at the same instant apply in array order', () => {
    const history = [switchedOn(switchOn), paused(switchOn), resumed(switchOn)];

    expect(deriveRolloutState(history, switchOn)).toMatchObject({
      status: 'ENABLED',
      periods: [{ from: switchOn, to: null }],
    });
  });

  it('returns fresh dates, so a caller mutating the answer cannot change the history', () => {
    const history = [switchedOn(switchOn)];
    deriveRolloutState(history, switchOn).periods[0]?.from.setTime(0);

    expect(history[0]?.at).toEqual(instant('2023-02-01T00:00'));
  });

  describe('a history the state machine would never produce is read on the safe side', () => {
    const cases: [string, RolloutEvent[], Date, Partial<ReturnType<typeof deriveRolloutState>>][] = [
      [
        'events out of order are taken in order of their instants',
        [paused(instant('2023-02-10T00:00')), switchedOn(switchOn)],
        instant('2023-03-01T00:00'),
        { status: 'PAUSED', periods: [{ from: switchOn, to: instant('2023-02-10T00:00') }] },
      ],
      [
        'a switch-on while paused is ignored: a paused practice is never switched on without resuming',
        [switchedOn(switchOn), paused(instant('2023-02-02T00:00')), switchedOn(instant('2023-02-03T00:00'))],
        instant('2023-03-01T00:00'),
        { status: 'PAUSED', periods: [{ from: switchOn, to: instant('2023-02-02T00:00') }] },
      ],
      [
        'a schedule while paused is ignored',
        [paused(notified), scheduled(instant('2023-01-05T00:00'), switchOn)],
        instant('2023-03-01T00:00'),
        { status: 'PAUSED', periods: [] },
      ],
      [
        'a second switch-on while enabled does not open a second period',
        [switchedOn(switchOn), switchedOn(instant('2023-02-02T00:00'))],
        instant('2023-03-01T00:00'),
        { status: 'ENABLED', periods: [{ from: switchOn, to: null }] },
      ],
      [
        'a resume of a practice that is not paused is ignored',
        [scheduled(notified, switchOn), resumed(instant('2023-01-05T00:00'))],
        instant('2023-01-10T00:00'),
        { status: 'SCHEDULED', periods: [] },
      ],
      [
        'a second pause keeps the reason of the pause in force',
        [paused(notified, 'first'), paused(instant('2023-01-05T00:00'), 'second')],
        instant('2023-01-10T00:00'),
        { status: 'PAUSED', pauseReason: 'first' },
      ],
      [
        'a plan not after its own recording is ignored, so it cannot reach back in time',
        [switchedOn(notified), paused(switchOn), resumed(instant('2023-02-05T00:00'), notified)],
        instant('2023-03-01T00:00'),
        { status: 'PAUSED', periods: [{ from: notified, to: switchOn }] },
      ],
      [
        'a pause without a reason still pauses, with no reason to show',
        [switchedOn(switchOn), { ...paused(instant('2023-02-02T00:00')), reason: '  ' }],
        instant('2023-03-01T00:00'),
        { status: 'PAUSED', pauseReason: null },
      ],
      [
        'an event with an invalid instant is ignored',
        [switchedOn(new Date(Number.NaN)), scheduled(notified, new Date(Number.NaN))],
        instant('2023-03-01T00:00'),
        { status: 'NOT_SCHEDULED', periods: [] },
      ],
      [
        'an event of an unknown kind is ignored',
        [{ ...switchedOn(notified), kind: 'DELETED' as RolloutEvent['kind'] }],
        instant('2023-03-01T00:00'),
        { status: 'NOT_SCHEDULED' },
      ],
    ];

    it.each(cases)('%s', (_, history, asOf, expected) => {
      const state = deriveRolloutState(history, asOf);
      expect(state).toMatchObject(expected);
      expect(periodProblems(state)).toEqual([]);
    });

    it('an invalid as-of instant counts no event', () => {
      expect(deriveRolloutState([switchedOn(switchOn)], new Date(Number.NaN)).status).toBe('NOT_SCHEDULED');
    });
  });
});
