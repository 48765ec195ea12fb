import type { Actor } from '../../../subgraphs/rollout/domain/rollout-event';
import { DAY_MS } from '../../../subgraphs/rollout/domain/state-machine';
import { checkWavePlans, MAX_WAVE_SIZE, planWave, type WaveFacts } from '../../../subgraphs/rollout/domain/wave';
import { isPracticeOdsCode } from '../../../subgraphs/runtime/ods-code';
import { instant, paused, plusMs, scheduled, switchedOn } from './rollout-builders';

const now = instant('2023-01-04T09:00');
const at = plusMs(now, 28 * DAY_MS);
const tpp: Actor = { role: 'supplier', id: 'TPP' };
const nhse: Actor = { role: 'nhse', id: 'nhse-rollout-team' };
const policy = { minimumNoticeMs: 7 * DAY_MS };

const facts = (actor: Actor, overrides: Partial<WaveFacts> = {}): WaveFacts => ({
  histories: new Map([
    ['A00001', []],
    ['A00002', [paused(plusMs(now, -DAY_MS), 'opt-in model')]],
    ['A00003', [switchedOn(plusMs(now, -DAY_MS))]],
    ['A00004', [scheduled(plusMs(now, -DAY_MS), at)]],
    ['A00005', [scheduled(plusMs(now, -DAY_MS), plusMs(at, DAY_MS))]],
    ['A00006', []],
  ]),
  suppliers: new Map([
    ['A00001', 'TPP'],
    ['A00002', 'TPP'],
    ['A00003', 'TPP'],
    ['A00004', 'TPP'],
    ['A00005', 'TPP'],
    ['A00006', 'EMIS'],
    ['A00007', null],
  ]),
  actor,
  now,
  policy,
  overrideMinimumNotice: false,
  ...overrides,
});
const plans = (codes: string[], when = at) => codes.map((odsCode) => ({ odsCode, at: when }));
const ALL = ['A00001', 'A00002', 'A00003', 'A00004', 'A00005', 'A00006', 'A00007'];

describe('planning a wave', () => {
  it("schedules or reschedules a supplier's practices and skips each other one with its reason", () => {
    const outcome = planWave(plans(ALL), facts(tpp));
    expect(outcome.scheduled.map(({ odsCode, event }) => [odsCode, event.kind, event.plannedSwitchOnAt])).toEqual([
      ['A00001', 'SCHEDULED', at],
      ['A00005', 'RESCHEDULED', at],
    ]);
    expect(outcome.skipped.map(({ odsCode, kind }) => [odsCode, kind])).toEqual([
      ['A00002', 'PAUSED'],
      ['A00003', 'ALREADY_ENABLED'],
      ['A00004', 'ALREADY_SCHEDULED'],
      ['A00006', 'NOT_YOUR_PRACTICE'],
      ['A00007', 'UNKNOWN_PRACTICE'],
    ]);
    expect(outcome.skipped[0]!.reason).toMatch(/resume it first/);
  });

  it("nhse may schedule any supplier's practice", () => {
    const outcome = planWave(plans(['A00006']), facts(nhse));
    expect(outcome.scheduled).toMatchObject([{ odsCode: 'A00006', event: { kind: 'SCHEDULED', actor: nhse } }]);
  });

  it('a practice whose history runs ahead of the clock is skipped with the state machine\u2019s reason', () => {
    const ahead = facts(tpp, { histories: new Map([['A00001', [paused(plusMs(at, DAY_MS))]]]) });
    const outcome = planWave(plans(['A00001']), ahead);
    expect(outcome.scheduled).toEqual([]);
    expect(outcome.skipped).toEqual([{ odsCode: 'A00001', kind: 'PAUSED', reason: expect.any(String) }]);
  });
});

describe('checking a wave before anything is done', () => {
  const check = (wave: { odsCode: string; at: Date }[], actor: Actor = tpp, override = false) =>
    checkWavePlans(wave, isPracticeOdsCode, { actor, now, policy, overrideMinimumNotice: override });

  it('lets a sound wave through', () => {
    expect(check(plans(ALL))).toBeNull();
  });

  it('refuses an empty wave, an oversized one, a malformed or repeated code', () => {
    expect(check([])).toMatch(/at least one practice/);
    const huge = Array.from({ length: MAX_WAVE_SIZE + 1 }, (_, i) => ({ odsCode: `A${String(i).padStart(5, '0')}`, at }));
    expect(check(huge)).toMatch(/at most 5000 practices/);
    expect(check(huge.slice(0, MAX_WAVE_SIZE))).toBeNull();
    expect(check(plans(['A00001', 'a00002']))).toBe(
      'Practice 2 of the wave: an ODS code is one letter and five digits, e.g. A81001',
    );
    expect(check(plans(['A00001', 'A00002', 'A00001']))).toBe('A00001 appears more than once in the wave');
  });

  it('refuses an instant in the past or with too little notice, unless nhse overrides', () => {
    expect(check(plans(['A00001'], now))).toMatch(/must be in the future/);
    expect(check(plans(['A00001', 'A00002'], plusMs(now, DAY_MS)))).toMatch(/^A00001: Practices must be told at least 7 days/);
    expect(check(plans(['A00001'], plusMs(now, DAY_MS)), tpp, true)).toMatch(/at least 7 days/);
    expect(check(plans(['A00001'], plusMs(now, DAY_MS)), nhse, true)).toBeNull();
  });

  it('checks each plan of a wave with several instants', () => {
    const mixed = [
      { odsCode: 'A00001', at },
      { odsCode: 'A00002', at: plusMs(now, 2 * DAY_MS) },
    ];
    expect(check(mixed)).toMatch(/^A00002: /);
  });
});
