import { machine } from '../results';
import type { LoadFigures } from './generator';
import type { LatencySummary } from './latency';
import { TARGET_KIND } from './mix';
import type { OpenLoadSettings } from './settings';

/** One open-load run's figures, and the page written from them (bench/results/open-load.md). */
export interface OpenLoadResults {
  at: string;
  database: 'sqlite' | 'postgres';
  dataset: string;
  settings: OpenLoadSettings;
  mix: { name: string; weight: number }[];
  /** The closed loop's answers per second in the mix: the rate the shares are of. */
  capacity: { perSecond: number; figures: LoadFigures; cores: Record<string, number> };
  levels: { share: number; figures: LoadFigures; cores: Record<string, number> }[];
  /** The machine's 1-minute load average at the start and end: on a shared machine, what else ran. */
  loadAverage: { start: number; end: number };
}

/** A generator more than this late (p99) was short of CPU: its figures overstate latency, never understate it. */
const LATE_MS = 20;

/** The target: the patient's first page's p99 under 50 ms at half of capacity, with no error and no wrong answer. */
export const TARGET_P99_MS = 50;

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '-');
const int = (value: number) => Math.round(value).toLocaleString('en-GB');
const cells = (l: LatencySummary) => `${ms(l.p50Ms)} | ${ms(l.p99Ms)} | ${ms(l.p999Ms)} | ${ms(l.maxMs)}`;
const pct = (share: number) => `${Math.round(share * 100)} %`;

export function targetHolds(results: OpenLoadResults): { p99Ms: number; holds: boolean } | undefined {
  const half = results.levels.find((level) => level.share === 0.5);
  const page = half?.figures.kinds.find((k) => k.name === TARGET_KIND);
  if (!half || !page) return undefined;
  const clean = results.levels.every((l) => l.figures.errors === 0 && l.figures.wrong === 0);
  return { p99Ms: page.latency.p99Ms, holds: page.latency.p99Ms < TARGET_P99_MS && clean };
}

export function openLoadMarkdown(r: OpenLoadResults): string {
  const s = r.settings;
  const total = r.mix.reduce((sum, m) => sum + m.weight, 0);
  const target = targetHolds(r);
  const lines = [
    '# Latency at a fixed arrival rate, in the realistic mix',
    '',
    `${r.at} on ${machine().replace(/, (SQLite|PostgreSQL)$/, '')}; ${r.database === 'postgres' ? 'PostgreSQL' : 'SQLite'}; data set \`${r.dataset}\`. ` +
      `Every service and the load generator in its own process. ${s.arrivals === 'poisson' ? 'Poisson' : 'Constant-rate'} arrivals (seeded), ` +
      `latency from each request's intended send time; capacity from a ${s.capacitySeconds} s closed loop of ${s.capacityConnections} requests in flight in the same mix ` +
      `(after a ${s.warmupSeconds} s warm-up); each level ${s.seconds} s. Figures on a shared machine are indicative.`,
    '',
    `Load average (1 minute, ${r.loadAverage.start.toFixed(1)} at the start, ${r.loadAverage.end.toFixed(1)} at the end) on this machine's cores: above their number, other work took CPU from the run.`,
    '',
    '## Target',
    '',
    target
      ? `- p99 of the patient's first page at 50 % of capacity: ${ms(target.p99Ms)} ms (target: under ${TARGET_P99_MS} ms on PostgreSQL, with 0 errors and 0 wrong answers): ${target.holds ? 'holds' : 'does not hold'}${r.database === 'postgres' ? '' : ' (this run is on SQLite; the target is judged on PostgreSQL)'}.`
      : '- No run at 50 % of capacity.',
    '',
    '## Capacity and each level',
    '',
    '| run | intended req/s | sent req/s | answered in window req/s | requests | errors | wrong | p50 ms | p99 ms | p99.9 ms | max ms | most in flight | generator late by (p99, ms) | cores busy |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...[
      { name: `capacity (closed, ${s.capacityConnections} in flight)`, figures: r.capacity.figures, cores: r.capacity.cores },
      ...r.levels.map((l) => ({ name: `${pct(l.share)} of capacity (open)`, figures: l.figures, cores: l.cores })),
    ].map(
      ({ name, figures: f, cores }) =>
        `| ${name} | ${f.mode.kind === 'open' ? int(f.intendedRatePerSecond) : '-'} | ${int(f.achievedRatePerSecond)} | ${int(f.answeredInWindowPerSecond)} | ${int(f.sent)} | ${f.errors} | ${f.wrong} | ${cells(f.overall)} | ${f.peakInFlight} | ${f.mode.kind === 'open' ? ms(f.sendLag.p99Ms) : '-'} | ${Object.entries(
          cores,
        )
          .map(([name, busy]) => `${name} ${busy.toFixed(2)}`)
          .join(', ')} |`,
    ),
    '',
    '## Each kind of request, p50 / p99 / p99.9 in ms',
    '',
    `| kind | share | ${r.levels.map((l) => `${pct(l.share)}: requests`).join(' | ')} | ${r.levels.map((l) => `${pct(l.share)}: p50 / p99 / p99.9`).join(' | ')} | errors | wrong | not sent |`,
    `|---|---:|${r.levels.map(() => '---:|').join('')}${r.levels.map(() => '---:|').join('')}---:|---:|---:|`,
    ...r.mix.map((m) => {
      const kinds = r.levels.map((l) => l.figures.kinds.find((k) => k.name === m.name)!);
      const sum = (pick: (k: (typeof kinds)[number]) => number) => kinds.reduce((total, k) => total + pick(k), 0);
      return `| ${m.name} | ${((m.weight / total) * 100).toFixed(0)} % | ${kinds.map((k) => int(k.sent)).join(' | ')} | ${kinds
        .map((k) => `${ms(k.latency.p50Ms)} / ${ms(k.latency.p99Ms)} / ${ms(k.latency.p999Ms)}`)
        .join(' | ')} | ${sum((k) => k.errors)} | ${sum((k) => k.wrong)} | ${sum((k) => k.notSent)} |`;
    }),
  ];
  const late = r.levels.filter((l) => l.figures.sendLag.p99Ms > LATE_MS);
  if (late.length > 0)
    lines.push(
      '',
      `The generator sent late (p99 over ${LATE_MS} ms) at ${late.map((l) => pct(l.share)).join(', ')}: it was short of CPU. ` +
        'Latency counts from the intended instants, so its lateness adds to the figures rather than hiding queueing.',
    );
  const runs = [
    { name: 'capacity', figures: r.capacity.figures },
    ...r.levels.map((l) => ({ name: pct(l.share), figures: l.figures })),
  ].filter((run) => Object.keys(run.figures.causes).length > 0);
  if (runs.length > 0)
    lines.push(
      '',
      '## Errors and wrong answers by cause',
      '',
      ...runs.map(
        (run) =>
          `- ${run.name}: ${Object.entries(run.figures.causes)
            .map(([cause, n]) => `${n} × ${cause}`)
            .join(', ')}`,
      ),
    );
  const problems = [r.capacity.figures, ...r.levels.map((l) => l.figures)].flatMap((f) => f.problems);
  if (problems.length > 0)
    lines.push('', '## First problems', '', ...problems.slice(0, 10).map((p) => `- ${p.replace(/\s+/g, ' ')}`));
  return `${lines.join('\n')}\n`;
}
