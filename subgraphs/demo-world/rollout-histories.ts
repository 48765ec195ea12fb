import { DEMO_PRACTICES, type DemoPractice } from './practices';

/**
 * The demo world's rollout: for each practice, the commands that were given, when and by
 * whom. The rollout seed replays them through the real state machine at their instants, so
 * the demo history is one the system itself would have written. Named practices cover every
 * state; the rest follow the programme's shape (EMIS and TPP switched on in waves from
 * November 2022, some paused at their own request, other suppliers not scheduled).
 */
export type DemoCommand =
  | { kind: 'scheduleSwitchOn'; at: string }
  | { kind: 'switchOn' }
  | { kind: 'pauseAccess'; reason: string }
  | { kind: 'resumeAccess'; at: string | null };

export interface DemoStep {
  /** When the command was given; 'seed+Nd' means N days after the seed ran (for plans in the future). */
  when: string;
  by: { role: 'supplier' | 'clinician' | 'nhse'; id: string };
  command: DemoCommand;
}

const byPractice = (index: number): DemoPractice => DEMO_PRACTICES[index]!;
export const DEMO_ENABLED = byPractice(0); // EMIS, on since 1 November 2022
export const DEMO_TPP_WAVE = byPractice(1); // TPP, on from 1 February 2023 (the SystmOne wave)
export const DEMO_PAUSED = byPractice(2); // paused "until further notice" before switch-on
export const DEMO_PAUSE_RESUME = byPractice(3); // on, paused, resumed
export const DEMO_NOT_SCHEDULED = byPractice(4); // Cegedim: never scheduled
export const DEMO_SCHEDULED = byPractice(5); // switch-on planned in the future
export const DEMO_RESCHEDULED = byPractice(6); // planned, moved, then on
export const DEMO_PAUSED_AFTER_ON = byPractice(8); // EMIS: on, then paused and still paused

const supplierOf = (practice: DemoPractice) => ({ role: 'supplier' as const, id: practice.supplier });
const practiceClinician = (practice: DemoPractice) => ({
  role: 'clinician' as const,
  id: `${practice.odsCode}:practice-manager`,
});
const nhse = { role: 'nhse' as const, id: 'nhse-rollout-team' };

const NAMED: Record<string, (p: DemoPractice) => DemoStep[]> = {
  [DEMO_ENABLED.odsCode]: (p) => [
    {
      when: '2022-10-03T10:00:00.000Z',
      by: supplierOf(p),
      command: { kind: 'scheduleSwitchOn', at: '2022-11-01T00:00:00.000Z' },
    },
  ],
  [DEMO_TPP_WAVE.odsCode]: (p) => [
    {
      when: '2023-01-05T09:00:00.000Z',
      by: supplierOf(p),
      command: { kind: 'scheduleSwitchOn', at: '2023-02-01T00:00:00.000Z' },
    },
  ],
  [DEMO_PAUSED.odsCode]: (p) => [
    {
      when: '2022-10-03T10:00:00.000Z',
      by: supplierOf(p),
      command: { kind: 'scheduleSwitchOn', at: '2022-11-01T00:00:00.000Z' },
    },
    {
      when: '2022-10-20T14:30:00.000Z',
      by: practiceClinician(p),
      command: { kind: 'pauseAccess', reason: "The practice's data protection impact assessment is not complete" },
    },
  ],
  [DEMO_PAUSE_RESUME.odsCode]: (p) => [
    { when: '2022-12-05T09:00:00.000Z', by: supplierOf(p), command: { kind: 'switchOn' } },
    { when: '2023-03-01T12:00:00.000Z', by: nhse, command: { kind: 'pauseAccess', reason: 'Clinical safety review' } },
    { when: '2023-04-03T08:00:00.000Z', by: supplierOf(p), command: { kind: 'resumeAccess', at: null } },
  ],
  [DEMO_NOT_SCHEDULED.odsCode]: () => [],
  [DEMO_SCHEDULED.odsCode]: (p) => [
    { when: 'seed+0d', by: supplierOf(p), command: { kind: 'scheduleSwitchOn', at: 'seed+21d' } },
  ],
  [DEMO_RESCHEDULED.odsCode]: (p) => [
    {
      when: '2023-05-02T09:00:00.000Z',
      by: supplierOf(p),
      command: { kind: 'scheduleSwitchOn', at: '2023-06-01T07:00:00.000Z' },
    },
    {
      when: '2023-05-20T09:00:00.000Z',
      by: supplierOf(p),
      command: { kind: 'scheduleSwitchOn', at: '2023-07-03T07:00:00.000Z' },
    },
  ],
  [DEMO_PAUSED_AFTER_ON.odsCode]: (p) => [
    { when: '2023-03-01T07:00:00.000Z', by: supplierOf(p), command: { kind: 'switchOn' } },
    {
      when: '2023-03-15T16:00:00.000Z',
      by: supplierOf(p),
      command: { kind: 'pauseAccess', reason: 'Safeguarding concerns raised by the practice' },
    },
  ],
};

/** EMIS waves, monthly from November 2022; every seventh EMIS practice asked for an opt-in model. */
function waveFor(p: DemoPractice, index: number): DemoStep[] {
  if (p.supplier === 'TPP') {
    return [
      {
        when: '2023-01-05T09:00:00.000Z',
        by: supplierOf(p),
        command: { kind: 'scheduleSwitchOn', at: '2023-02-01T00:00:00.000Z' },
      },
    ];
  }
  if (p.supplier !== 'EMIS') return [];
  const month = index % 12; // November 2022 + month
  const switchOn = new Date(Date.UTC(2022, 10 + month, 1, 7, 0, 0)).toISOString();
  const notice = new Date(Date.UTC(2022, 10 + month, 1, 7, 0, 0) - 28 * 86_400_000).toISOString();
  const steps: DemoStep[] = [{ when: notice, by: supplierOf(p), command: { kind: 'scheduleSwitchOn', at: switchOn } }];
  if (index % 7 === 0) {
    steps.push({
      when: new Date(Date.UTC(2022, 10 + month, 1, 7, 0, 0) - 7 * 86_400_000).toISOString(),
      by: practiceClinician(p),
      command: { kind: 'pauseAccess', reason: 'The practice prefers an opt-in model: patients enabled one by one' },
    });
  }
  return steps;
}

export const DEMO_ROLLOUT: readonly { odsCode: string; steps: DemoStep[] }[] = DEMO_PRACTICES.map((practice, index) => ({
  odsCode: practice.odsCode,
  steps: (NAMED[practice.odsCode] ?? ((p: DemoPractice) => waveFor(p, index)))(practice),
}));

/** Resolves a step's instant: an ISO instant, or 'seed+Nd' relative to the seed's clock (07:00 UTC). */
export function demoInstant(value: string, seededAt: Date): Date {
  const relative = /^seed\+(\d+)d$/.exec(value);
  if (!relative) return new Date(value);
  const days = Number(relative[1]);
  if (days === 0) return seededAt;
  const day = new Date(seededAt.getTime() + days * 86_400_000);
  return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 7, 0, 0));
}
