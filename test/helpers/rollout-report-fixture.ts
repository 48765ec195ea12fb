import type { ReportInput } from '../../clients/report/render-report';
import type { RolloutCounts, RolloutTimelinePoint } from '../../clients/report/rollout-states';

/**
 * Figures shaped like the programme's year, for the report's tests: 53 weekly national points
 * where enabled grows on an S-curve, pauses rise and fall, waves are scheduled ahead of
 * switch-on; and the last point split over eight ICBs and five suppliers (so the tables add up
 * to the headline). `--asOf 2024-06-01` asks for 2024-06-02T00:00:00.000Z.
 */
export const REPORT_AS_OF = '2024-06-02T00:00:00.000Z';
const WEEK = 7 * 86_400_000;

export function counts(key: string, label: string, states: Omit<RolloutCounts, 'key' | 'label' | 'total'>): RolloutCounts {
  return { key, label, total: states.enabled + states.scheduled + states.paused + states.notScheduled, ...states };
}

export function weeklyTimeline(asOf = REPORT_AS_OF, weeks = 52): RolloutTimelinePoint[] {
  const end = Date.parse(asOf);
  return Array.from({ length: weeks + 1 }, (_, i) => {
    const total = 6400 + Math.floor(i / 13) * 5;
    const enabled = Math.round(250 + 4100 / (1 + Math.exp(-(i - 26) / 7)));
    const paused = Math.round(60 + 140 * Math.sin((Math.PI * i) / 52));
    const scheduled = Math.round(900 + 500 * Math.sin((Math.PI * i) / 40));
    const notScheduled = total - enabled - paused - scheduled;
    return {
      at: new Date(end - (weeks - i) * WEEK).toISOString(),
      counts: [counts('ENGLAND', 'England', { enabled, scheduled, paused, notScheduled })],
    };
  });
}

export const ICBS: [string, string][] = [
  ['QYG', 'NHS Cheshire and Merseyside ICB'],
  ['QOP', 'NHS Greater Manchester ICB'],
  ['QHM', 'NHS North East and North Cumbria ICB'],
  ['QWO', 'NHS West Yorkshire ICB'],
  ['QHL', 'NHS Birmingham and Solihull ICB'],
  ['QRV', 'NHS North West London ICB'],
  ['QKS', 'NHS Kent and Medway ICB'],
  ['QUY', 'NHS Bristol, North Somerset and South Gloucestershire ICB'],
];

export const SUPPLIERS: [string, string][] = [
  ['EMIS', 'EMIS Health (EMIS Web)'],
  ['TPP', 'TPP (SystmOne)'],
  ['CEGEDIM', 'Cegedim (Vision)'],
  ['MICROTEST', 'Microtest (Evolution)'],
  ['OTHER', 'Other suppliers'],
];

/** The national counts split over groups by weight, each state on its own, the remainder to the last group. */
export function splitCounts(national: RolloutCounts, groups: [string, string][], weights: number[]): RolloutCounts[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const left = {
    enabled: national.enabled,
    scheduled: national.scheduled,
    paused: national.paused,
    notScheduled: national.notScheduled,
  };
  return groups.map(([key, label], g) => {
    const last = g === groups.length - 1;
    const share = (field: keyof typeof left) => {
      const value = last ? left[field] : Math.floor((national[field] * weights[g]!) / sum);
      left[field] -= value;
      return value;
    };
    return counts(key, label, {
      enabled: share('enabled'),
      scheduled: share('scheduled'),
      paused: share('paused'),
      notScheduled: share('notScheduled'),
    });
  });
}

export function reportFixture(overrides: Partial<ReportInput> = {}): ReportInput {
  const timeline = weeklyTimeline();
  const national = timeline.at(-1)!.counts[0]!;
  return {
    asOf: REPORT_AS_OF,
    generatedAt: '2024-06-03T08:15:00.000Z',
    timeline,
    byIcb: splitCounts(national, ICBS, [14, 13, 11, 9, 7, 12, 8, 6]),
    bySupplier: splitCounts(national, SUPPLIERS, [55, 35, 5, 3, 2]),
    source: 'localhost:4000/graphql',
    ...overrides,
  };
}
