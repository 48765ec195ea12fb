import fc from 'fast-check';
import type { RolloutEvent } from '../../../subgraphs/rollout/domain/rollout-event';
import {
  countRollout,
  timelineInstants,
  timelineLength,
  type PracticeMember,
  type RolloutCounts,
} from '../../../subgraphs/rollout/domain/rollout-figures';
import { deriveRolloutState } from '../../../subgraphs/rollout/domain/rollout-state';
import { instant, paused, plusMs, rescheduled, resumed, scheduled, switchedOn } from './rollout-builders';

const member = (odsCode: string, fields: Partial<PracticeMember> = {}): PracticeMember => ({
  odsCode,
  supplier: 'EMIS',
  icbCode: 'QWO',
  icbName: 'NHS West Yorkshire Integrated Care Board',
  openedOn: null,
  closedOn: null,
  ...fields,
});
const counts = (key: string, label: string, c: Partial<RolloutCounts>): RolloutCounts => ({
  key,
  label,
  total: 0,
  notScheduled: 0,
  scheduled: 0,
  enabled: 0,
  paused: 0,
  ...c,
});
const at = (iso: string) => instant(iso).getTime();

// One practice through every kind of change, and the instants exactly at each transition.
const notified = instant('2023-01-05T09:00');
const planned = instant('2023-02-01T00:00');
const moved = instant('2023-02-08T00:00');
const pausedAt = instant('2023-03-01T12:00');
const resumedAt = instant('2023-04-03T08:00');
const story: RolloutEvent[] = [
  scheduled(notified, planned),
  rescheduled(instant('2023-01-20T10:00'), moved),
  paused(pausedAt, 'clinical safety review'),
  resumed(resumedAt),
];

describe('rollout figures as of an instant', () => {
  const national = (instant: number) =>
    countRollout([member('A81001')], new Map([['A81001', story]]), [instant], 'NATIONAL')[0]![0]!;
  const stateAt = (iso: string) => {
    const c = national(at(iso));
    return (['notScheduled', 'scheduled', 'enabled', 'paused'] as const).find((field) => c[field] === 1);
  };

  it.each([
    ['2023-01-05T08:59:59.999Z', 'notScheduled'],
    ['2023-01-05T09:00:00.000Z', 'scheduled'],
    ['2023-02-01T00:00:00.000Z', 'scheduled'], // the first plan was moved before it came
    ['2023-02-07T23:59:59.999Z', 'scheduled'],
    ['2023-02-08T00:00:00.000Z', 'enabled'], // the moved plan takes effect at its instant
    ['2023-03-01T11:59:59.999Z', 'enabled'],
    ['2023-03-01T12:00:00.000Z', 'paused'],
    ['2023-04-03T07:59:59.999Z', 'paused'],
    ['2023-04-03T08:00:00.000Z', 'enabled'],
  ])('at %s the practice counts as %s', (iso, expected) => {
    expect(stateAt(iso)).toBe(expected);
    expect(national(at(iso)).total).toBe(1);
  });

  it('past figures do not change when the history grows after them', () => {
    const before = national(at('2023-03-15T00:00'));
    const longer = [...story, paused(instant('2023-05-01T00:00'), 'review again')];
    expect(countRollout([member('A81001')], new Map([['A81001', longer]]), [at('2023-03-15T00:00')], 'NATIONAL')[0]![0]).toEqual(
      before,
    );
  });

  it('counts a practice only while it is open: from the London midnight of its open date, before that of its close date', () => {
    // 2023-06-01 starts at 23:00 UTC the day before (British Summer Time).
    const m = member('A81001', { openedOn: '2023-06-01', closedOn: '2023-09-01' });
    const instants = [
      '2023-05-31T22:59:59.999Z',
      '2023-05-31T23:00:00.000Z',
      '2023-08-31T22:59:59.999Z',
      '2023-08-31T23:00:00.000Z',
    ];
    const figures = countRollout(
      [m],
      new Map(),
      instants.map((i) => Date.parse(i)),
      'NATIONAL',
    );
    expect(figures.map(([c]) => c!.total)).toEqual([0, 1, 1, 0]);
    expect(figures.map(([c]) => c!.notScheduled)).toEqual([0, 1, 1, 0]);
  });

  it('a practice with an unreadable date is left out rather than guessed', () => {
    const figures = countRollout([member('A81001', { openedOn: '2023-02-30' })], new Map(), [at('2024-01-01T00:00')], 'NATIONAL');
    expect(figures[0]).toEqual([counts('ENGLAND', 'England', {})]);
  });

  it('groups by ICB and by supplier, every group at every instant, ordered by key', () => {
    const members = [
      member('A81001', { icbCode: 'QWO', icbName: 'West Yorkshire', supplier: 'EMIS' }),
      member('A81002', { icbCode: 'QF7', icbName: 'South Yorkshire', supplier: 'TPP' }),
      member('A81003', { icbCode: 'QWO', icbName: 'West Yorkshire', supplier: 'TPP', openedOn: '2023-06-01' }),
    ];
    const histories = new Map([['A81001', [switchedOn(notified)]]]);
    const instants = [at('2023-01-01T00:00'), at('2023-07-01T00:00')];
    expect(countRollout(members, histories, instants, 'ICB')).toEqual([
      [
        counts('QF7', 'South Yorkshire', { total: 1, notScheduled: 1 }),
        counts('QWO', 'West Yorkshire', { total: 1, notScheduled: 1 }),
      ],
      [
        counts('QF7', 'South Yorkshire', { total: 1, notScheduled: 1 }),
        counts('QWO', 'West Yorkshire', { total: 2, enabled: 1, notScheduled: 1 }),
      ],
    ]);
    expect(countRollout(members, histories, instants, 'SUPPLIER')[1]).toEqual([
      counts('EMIS', 'EMIS Health (EMIS Web)', { total: 1, enabled: 1 }),
      counts('TPP', 'TPP (SystmOne)', { total: 2, notScheduled: 2 }),
    ]);
  });

  it('England is one group even with no practice at all', () => {
    expect(countRollout([], new Map(), [at('2023-01-01T00:00')], 'NATIONAL', 'England: TPP practices')).toEqual([
      [counts('ENGLAND', 'England: TPP practices', {})],
    ]);
    expect(countRollout([], new Map(), [at('2023-01-01T00:00')], 'ICB')).toEqual([[]]);
  });

  it('equals a direct count of each practice derived alone, and groups add up to England', () => {
    const event = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 30 })).map(([a, b]) => scheduled(day(a), day(a + b))),
      fc.integer({ min: 0, max: 60 }).map((a) => switchedOn(day(a))),
      fc.integer({ min: 0, max: 60 }).map((a) => paused(day(a))),
      fc
        .tuple(fc.integer({ min: 0, max: 60 }), fc.option(fc.integer({ min: 1, max: 20 }), { nil: null }))
        .map(([a, b]) => resumed(day(a), b === null ? null : day(a + b))),
    );
    const practice = fc.record({
      icbCode: fc.constantFrom('QWO', 'QF7', 'QE1'),
      supplier: fc.constantFrom('EMIS' as const, 'TPP' as const, 'UNKNOWN' as const),
      openedOn: fc.option(fc.constantFrom('2023-01-10', '2023-02-01'), { nil: null }),
      closedOn: fc.option(fc.constantFrom('2023-02-15', '2023-03-01'), { nil: null }),
      history: fc.array(event, { maxLength: 8 }),
    });
    fc.assert(
      fc.property(fc.array(practice, { maxLength: 12 }), fc.integer({ min: 0, max: 3 }), (practices, from) => {
        const members = practices.map((p, i) => member(`A8${String(i).padStart(4, '0')}`, { ...p, icbName: p.icbCode }));
        const histories = new Map(practices.map((p, i) => [`A8${String(i).padStart(4, '0')}`, p.history]));
        const instants = timelineInstants(day(from), day(from + 70), 'WEEK');
        const byIcb = countRollout(members, histories, instants, 'ICB');
        const england = countRollout(members, histories, instants, 'NATIONAL');
        instants.forEach((t, i) => {
          const direct = { total: 0, notScheduled: 0, scheduled: 0, enabled: 0, paused: 0 };
          members.forEach((m) => {
            const opened = m.openedOn === null ? -Infinity : Date.parse(`${m.openedOn}T00:00:00Z`);
            const closed = m.closedOn === null ? Infinity : Date.parse(`${m.closedOn}T00:00:00Z`);
            if (t < opened || t >= closed) return;
            direct.total += 1;
            const status = deriveRolloutState(histories.get(m.odsCode)!, new Date(t)).status;
            direct[
              ({ NOT_SCHEDULED: 'notScheduled', SCHEDULED: 'scheduled', ENABLED: 'enabled', PAUSED: 'paused' } as const)[status]
            ] += 1;
          });
          expect(england[i]).toEqual([{ key: 'ENGLAND', label: 'England', ...direct }]);
          const summed = byIcb[i]!.reduce(
            (sum, c) => ({
              total: sum.total + c.total,
              notScheduled: sum.notScheduled + c.notScheduled,
              scheduled: sum.scheduled + c.scheduled,
              enabled: sum.enabled + c.enabled,
              paused: sum.paused + c.paused,
            }),
            { total: 0, notScheduled: 0, scheduled: 0, enabled: 0, paused: 0 },
          );
          expect(summed).toEqual(direct);
        });
      }),
      { numRuns: 200 },
    );
  });
});

/** Midnight UTC, n days after 1 January 2023 (winter: London midnight is UTC midnight). */
function day(n: number): Date {
  return plusMs(instant('2023-01-01T00:00'), n * 86_400_000);
}

describe('timeline instants', () => {
  it('run from `from` by the interval, including `to` when it falls on a step', () => {
    expect(timelineInstants(day(0), day(14), 'WEEK')).toEqual([day(0), day(7), day(14)].map((d) => d.getTime()));
    expect(timelineInstants(day(0), plusMs(day(14), -1), 'WEEK')).toEqual([day(0), day(7)].map((d) => d.getTime()));
    expect(timelineInstants(day(0), day(2), 'DAY')).toHaveLength(3);
    expect(timelineInstants(day(3), day(3), 'DAY')).toEqual([day(3).getTime()]);
  });

  it('know their length without being built', () => {
    expect(timelineLength(day(0), day(364), 'WEEK')).toBe(53);
    expect(timelineLength(day(0), day(364), 'DAY')).toBe(365);
    expect(timelineLength(day(5), day(4), 'DAY')).toBe(0);
  });
});
