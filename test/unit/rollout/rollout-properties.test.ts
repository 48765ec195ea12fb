import fc from 'fast-check';
import type { RolloutEvent, RolloutEventKind } from '../../../subgraphs/rollout/domain/rollout-event';
import {
  countRollout,
  isOpenAt,
  openInterval,
  type PracticeMember,
  type RolloutGrouping,
} from '../../../subgraphs/rollout/domain/rollout-figures';
import {
  deriveRolloutState,
  statusSteps,
  type RolloutState,
  type StatusStep,
} from '../../../subgraphs/rollout/domain/rollout-state';
import { KeptFigures } from '../../../subgraphs/rollout/caches/kept-figures';
import { decide, type NoticePolicy, type RolloutCommand } from '../../../subgraphs/rollout/domain/state-machine';
import { instant, plusMs, supplier } from './rollout-builders';
import { periodProblems } from './period-invariants';

// Instants on a coarse grid of minutes, so plans, pauses and questions often fall on the same instant.
const BASE = instant('2023-01-01T00:00');
const MINUTE = 60_000;
const onGrid = (minutes: number): Date => plusMs(BASE, minutes * MINUTE);
const gridInstant = fc.integer({ min: 0, max: 60 }).map(onGrid);
const invalidDate = fc.constant(null).map(() => new Date(Number.NaN));
const maybeInvalid = fc.oneof({ weight: 12, arbitrary: gridInstant }, { weight: 1, arbitrary: invalidDate });
const UNKNOWN_KIND = 'DELETED' as RolloutEventKind;
/** Plans minutes ahead are the point here; the minimum notice has its own tests. */
const NO_NOTICE: NoticePolicy = { minimumNoticeMs: 0 };

/** Commands whose instants are near "now", some in the past or at now, so refusals are exercised too. */
const command: fc.Arbitrary<(now: Date) => RolloutCommand> = fc.oneof(
  fc
    .integer({ min: -2, max: 6 })
    .map((m) => (now: Date): RolloutCommand => ({ kind: 'scheduleSwitchOn', at: plusMs(now, m * MINUTE) })),
  fc.constant((): RolloutCommand => ({ kind: 'switchOn' })),
  fc.constant((): RolloutCommand => ({ kind: 'cancelSwitchOn' })),
  fc
    .oneof(fc.constantFrom('', '  ', 'clinical safety review'), fc.string())
    .map((reason) => (): RolloutCommand => ({ kind: 'pauseAccess', reason })),
  fc
    .option(fc.integer({ min: -2, max: 6 }), { nil: null })
    .map((m) => (now: Date): RolloutCommand => ({ kind: 'resumeAccess', at: m === null ? null : plusMs(now, m * MINUTE) })),
);
const steps = fc.array(fc.record({ gapMinutes: fc.integer({ min: 0, max: 4 }), command }), { maxLength: 25 });

/** The status an accepted command must lead to, at the instant of its event. */
const expectedStatus = (c: RolloutCommand): RolloutState['status'] =>
  c.kind === 'cancelSwitchOn'
    ? 'NOT_SCHEDULED'
    : c.kind === 'switchOn' || (c.kind === 'resumeAccess' && c.at === null)
      ? 'ENABLED'
      : c.kind === 'pauseAccess'
        ? 'PAUSED'
        : 'SCHEDULED';

/** Runs the steps through decide at increasing instants; returns the history and each step's instant. */
function run(sequence: readonly { gapMinutes: number; command: (now: Date) => RolloutCommand }[]) {
  const history: RolloutEvent[] = [];
  const instants: Date[] = [];
  let now = BASE;
  for (const step of sequence) {
    now = plusMs(now, step.gapMinutes * MINUTE);
    instants.push(now);
    const cmd = step.command(now);
    const decision = decide(history, cmd, supplier, now, NO_NOTICE);
    if (decision.ok) {
      history.push(decision.event);
      // decide and the derivation agree: an accepted event is never one the fold ignores.
      expect(deriveRolloutState(history, decision.event.at).status).toBe(expectedStatus(cmd));
    }
    expect(periodProblems(deriveRolloutState(history, now))).toEqual([]);
  }
  return { history, instants, end: now };
}

/** Any event at all, legal or not, valid dates or not: what a damaged table might hold. */
const anyEvent: fc.Arbitrary<RolloutEvent> = fc.record({
  kind: fc.constantFrom<RolloutEventKind>(
    'SCHEDULED',
    'RESCHEDULED',
    'CANCELLED',
    'SWITCHED_ON',
    'PAUSED',
    'RESUMED',
    UNKNOWN_KIND,
  ),
  at: maybeInvalid,
  actor: fc.constant(supplier),
  reason: fc.option(fc.oneof(fc.constantFrom('', ' ', 'opt-in model'), fc.string()), { nil: null }),
  plannedSwitchOnAt: fc.option(maybeInvalid, { nil: null }),
  noticeOverridden: fc.boolean(),
});
const anyHistory = fc.array(anyEvent, { maxLength: 30 });
const anyAsOf = maybeInvalid;

describe('rollout properties', () => {
  it('commands through decide leave sorted, non-overlapping, non-empty periods, open only while ENABLED', () => {
    fc.assert(
      fc.property(steps, fc.integer({ min: 0, max: 20 }), (sequence, laterMinutes) => {
        const { history, end } = run(sequence);
        expect(periodProblems(deriveRolloutState(history, plusMs(end, laterMinutes * MINUTE)))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('the history decide builds is ordered by instant, even when the clock goes back', () => {
    const jitteredSteps = fc.array(fc.record({ gapMinutes: fc.integer({ min: -3, max: 4 }), command }), {
      maxLength: 25,
    });
    fc.assert(
      fc.property(jitteredSteps, (sequence) => {
        const { history } = run(sequence);
        history.forEach((event, i) => {
          const previous = history[i - 1];
          if (previous) expect(event.at.getTime()).toBeGreaterThanOrEqual(previous.at.getTime());
        });
      }),
    );
  });

  it('past answers never change when events are appended after them (histories built by decide)', () => {
    const questions = fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(steps, questions, (sequence, minutes) => {
        const { history } = run(sequence);
        for (let k = 0; k <= history.length; k++) {
          const prefix = history.slice(0, k);
          const appended = history.slice(k);
          for (const asOf of minutes.map(onGrid)) {
            if (appended.every((event) => event.at.getTime() > asOf.getTime())) {
              expect(deriveRolloutState(prefix, asOf)).toEqual(deriveRolloutState(history, asOf));
            }
          }
        }
      }),
    );
  });

  it('appending any events after instant t never changes the state as of t, whatever the history', () => {
    const laterEvents = (t: Date) =>
      fc.array(
        fc.tuple(anyEvent, fc.integer({ min: 1, max: 10 * MINUTE })).map(([event, ms]) => ({ ...event, at: plusMs(t, ms) })),
        { minLength: 1, maxLength: 10 },
      );
    fc.assert(
      fc.property(
        anyHistory,
        gridInstant.chain((t) => fc.tuple(fc.constant(t), laterEvents(t))),
        (history, [t, later]) => {
          expect(deriveRolloutState([...history, ...later], t)).toEqual(deriveRolloutState(history, t));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('deriving never throws on an arbitrary (even illegal) history and keeps the period invariants', () => {
    fc.assert(
      fc.property(anyHistory, anyAsOf, (history, asOf) => {
        const state = deriveRolloutState(history, asOf);
        expect(periodProblems(state)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('decide never throws on an arbitrary history, and what it accepts is applied by the derivation', () => {
    fc.assert(
      fc.property(anyHistory, command, anyAsOf, (history, makeCommand, now) => {
        const cmd = makeCommand(now);
        const decision = decide(history, cmd, supplier, now, NO_NOTICE);
        if (decision.ok) {
          const after = [...history, decision.event];
          expect(deriveRolloutState(after, decision.event.at).status).toBe(expectedStatus(cmd));
        }
      }),
      { numRuns: 500 },
    );
  });

  /** The status the steps give at an instant: the last step at or before it, else NOT_SCHEDULED. */
  const statusFromSteps = (steps: readonly StatusStep[], at: number) =>
    [...steps].reverse().find((step) => step.from <= at)?.status ?? 'NOT_SCHEDULED';

  it('the status steps give, at every instant, the status deriving from scratch gives', () => {
    const ascending = fc
      .array(fc.integer({ min: -5, max: 70 }), { maxLength: 12 })
      .map((minutes) => [...minutes].sort((a, b) => a - b).map((m) => onGrid(m).getTime()));
    fc.assert(
      fc.property(anyHistory, ascending, (history, instants) => {
        const expected = instants.map((at) => deriveRolloutState(history, new Date(at)).status);
        const steps = statusSteps(history);
        expect(instants.map((at) => statusFromSteps(steps, at))).toEqual(expected);
        expect(steps.map((step) => step.from)).toEqual([...steps.map((step) => step.from)].sort((a, b) => a - b));
        // A frozen history (as the process keeps them) has its steps worked out once: same answers, asked twice.
        const frozen = Object.freeze(history.map((event) => Object.freeze({ ...event })));
        expect(instants.map((at) => statusFromSteps(statusSteps(frozen), at))).toEqual(expected);
        expect(instants.map((at) => statusFromSteps(statusSteps(frozen), at))).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('counted figures equal a count made practice by practice, instant by instant, from scratch', () => {
    // London days around the grid (BASE is 2023-01-01), some unreadable, so practices open and close mid-timeline.
    const day = fc.constantFrom(null, '2022-12-31', '2023-01-01', '2023-01-02', '2023-02-30', 'soon');
    const practice = fc.record({ history: anyHistory, openedOn: day, closedOn: day, supplier: fc.constantFrom('EMIS', 'TPP') });
    // Mostly minutes among the histories' own instants (where statuses change), some days away.
    const minute = fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: -5, max: 70 }) },
      { weight: 1, arbitrary: fc.integer({ min: -2 * 24 * 60, max: 3 * 24 * 60 }) },
    );
    const instantsOverDays = fc
      .array(minute, { maxLength: 10 })
      .map((minutes) => [...minutes].sort((a, b) => a - b).map((m) => onGrid(m).getTime()));
    fc.assert(
      fc.property(
        fc.array(practice, { maxLength: 8 }),
        instantsOverDays,
        fc.constantFrom<RolloutGrouping>('NATIONAL', 'SUPPLIER', 'ICB'),
        (practices, instants, grouping) => {
          const members: PracticeMember[] = practices.map((p, i) => ({
            odsCode: `A8${String(1000 + i)}`,
            supplier: p.supplier,
            icbCode: i % 3 === 0 ? 'QWO' : 'QOP',
            icbName: i % 3 === 0 ? 'West Yorkshire' : 'Greater Manchester',
            openedOn: p.openedOn,
            closedOn: p.closedOn,
          }));
          const histories = new Map(members.map((m, i) => [m.odsCode, practices[i]!.history]));
          const FIELD = { NOT_SCHEDULED: 'notScheduled', SCHEDULED: 'scheduled', ENABLED: 'enabled', PAUSED: 'paused' } as const;
          const keyOf = (m: PracticeMember) =>
            grouping === 'ICB' ? m.icbCode : grouping === 'SUPPLIER' ? m.supplier : 'ENGLAND';
          const keys = [...new Set([...(grouping === 'NATIONAL' ? ['ENGLAND'] : []), ...members.map(keyOf)])].sort();
          const expected = instants.map((at) =>
            keys.map((key) => {
              const counts = { key, total: 0, notScheduled: 0, scheduled: 0, enabled: 0, paused: 0 };
              for (const m of members.filter((member) => keyOf(member) === key)) {
                if (!isOpenAt(openInterval(m), at)) continue;
                counts.total += 1;
                counts[FIELD[deriveRolloutState(histories.get(m.odsCode)!, new Date(at)).status]] += 1;
              }
              return counts;
            }),
          );
          const counted = countRollout(members, histories, instants, grouping).map((row) =>
            row.map(({ label: _label, ...counts }) => counts),
          );
          expect(counted).toEqual(expected);

          // Remembered figures over kept (frozen) inputs: the same counts, asked at these instants,
          // then at nearby ones (often in the same stretches of time, so answered from memory).
          const keptMembers = Object.freeze(members.map((m) => Object.freeze({ ...m })));
          const keptHistories = new Map(
            [...histories].map(([code, history]) => [code, Object.freeze(history.map((e) => Object.freeze({ ...e })))]),
          );
          const figures = new KeptFigures();
          for (const asked of [instants, instants.map((at) => at + 30_000), instants, instants.map((at) => at - 60_000)]) {
            expect(figures.count(keptMembers, keptHistories, asked, grouping, 'England')).toEqual(
              countRollout(members, histories, asked, grouping, 'England'),
            );
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
