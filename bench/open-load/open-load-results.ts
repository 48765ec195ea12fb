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
  capacity: { perSecond: number; figures: LoadFigures; cores: Record<string, number>; waits: Record<string, number> };
  /** Each level's runs, round after round; `waits`: ms per second each serving process's main thread waited for a CPU. */
  levels: OpenLoadLevel[];
  /** The machine's 1-minute load average at the start and end: on a shared machine, what else ran. */
  loadAverage: { start: number; end: number };
  /** On PostgreSQL, who vacuumed and analyzed the databases during the run. */
  maintenance?: string;
}

export interface OpenLoadLevel {
  share: number;
  round: number;
  figures: LoadFigures;
  cores: Record<string, number>;
  waits: Record<string, number>;
}

/** A generator more than this late (p99) was short of CPU: its figures overstate latency, never understate it. */
const LATE_MS = 20;

/** The target: the patient's first page's p99 under 50 ms at half of capacity, with no error and no wrong answer. */
export const TARGET_P99_MS = 50;

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '-');
const int = (value: number) => Math.round(value).toLocaleString('en-GB');
const cells = (l: LatencySummary) => `${ms(l.p50Ms)} | ${ms(l.p99Ms)} | ${ms(l.p999Ms)} | ${ms(l.maxMs)}`;
const pct = (share: number) => `${Math.round(share * 100)} %`;

const pageP99 = (level: OpenLoadLevel) => level.figures.kinds.find((k) => k.name === TARGET_KIND)?.latency.p99Ms ?? NaN;

/** A share's runs, and the one whose first page's p99 is their median (of an even count, the higher middle: never the kinder). */
function medianRun(levels: OpenLoadLevel[], share: number): { runs: OpenLoadLevel[]; median: OpenLoadLevel } | undefined {
  const runs = levels.filter((level) => level.share === share);
  if (runs.length === 0) return undefined;
  const sorted = [...runs].sort((a, b) => pageP99(a) - pageP99(b));
  return { runs, median: sorted[Math.floor(sorted.length / 2)]! };
}

/** Judged on the median of the 50 % runs' first-page p99 (each run's own p99 rests on a few pages). */
export function targetHolds(results: OpenLoadResults): { p99Ms: number; runsP99Ms: number[]; holds: boolean } | undefined {
  const half = medianRun(results.levels, 0.5);
  if (!half || !half.median.figures.kinds.some((k) => k.name === TARGET_KIND)) return undefined;
  const clean = results.levels.every((l) => l.figures.errors === 0 && l.figures.wrong === 0);
  const p99Ms = pageP99(half.median);
  return { p99Ms, runsP99Ms: half.runs.map(pageP99), holds: p99Ms < TARGET_P99_MS && clean };
}

export function openLoadMarkdown(r: OpenLoadResults): string {
  const s = r.settings;
  const total = r.mix.reduce((sum, m) => sum + m.weight, 0);
  const target = targetHolds(r);
  const shown = [...new Set(s.levels)].flatMap((share) => medianRun(r.levels, share)?.median ?? []);
  const lines = [
    '# Latency at a fixed arrival rate, in the realistic mix',
    '',
    `${r.at} on ${machine().replace(/, (SQLite|PostgreSQL)$/, '')}; ${r.database === 'postgres' ? `PostgreSQL${r.maintenance ? ` (${r.maintenance})` : ''}` : 'SQLite'}; data set \`${r.dataset}\`. ` +
      `Every service and the load generator in its own process. ${s.arrivals === 'poisson' ? 'Poisson' : 'Constant-rate'} arrivals (seeded), ` +
      `latency from each request's intended send time; capacity from a ${s.capacitySeconds} s closed loop of ${s.capacityConnections} requests in flight in the same mix ` +
      `(after a ${s.warmupSeconds} s warm-up); each level ${s.seconds} s, ${s.repeats === 1 ? 'once' : `${s.repeats} rounds of the levels one after the other`}. Figures on a shared machine are indicative.`,
    '',
    `Load average (1 minute, ${r.loadAverage.start.toFixed(1)} at the start, ${r.loadAverage.end.toFixed(1)} at the end) on this machine's cores: above their number, other work took CPU from the run.`,
    '',
    '## Target',
    '',
    target
      ? `- p99 of the patient's first page at 50 % of capacity: ${ms(target.p99Ms)} ms${target.runsP99Ms.length > 1 ? `, the median of ${target.runsP99Ms.length} runs (${target.runsP99Ms.map(ms).join(', ')} ms)` : ''} (target: under ${TARGET_P99_MS} ms on PostgreSQL, with 0 errors and 0 wrong answers): ${target.holds ? 'holds' : 'does not hold'}${r.database === 'postgres' ? '' : ' (this run is on SQLite; the target is judged on PostgreSQL)'}.`
      : '- No run at 50 % of capacity.',
    '',
    '## Capacity and each level',
    '',
    "Cores busy: each process's CPU over the run's length. Waited for a CPU: ms per second that each serving process's main thread (its event loop) was ready to run and had no core, what the machine's other work adds to every request the process holds.",
    '',
    '| run | intended req/s | sent req/s | answered in window req/s | requests | errors | wrong | p50 ms | p99 ms | p99.9 ms | max ms | most in flight | generator late by (p99, ms) | cores busy | waited for a CPU, ms/s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|',
    ...[
      {
        name: `capacity (closed, ${s.capacityConnections} in flight)`,
        figures: r.capacity.figures,
        cores: r.capacity.cores,
        waits: r.capacity.waits,
      },
      ...r.levels.map((l) => ({
        name: `${pct(l.share)} of capacity (open)${s.repeats > 1 ? `, round ${l.round}` : ''}`,
        figures: l.figures,
        cores: l.cores,
        waits: l.waits,
      })),
    ].map(
      ({ name, figures: f, cores, waits }) =>
        `| ${name} | ${f.mode.kind === 'open' ? int(f.intendedRatePerSecond) : '-'} | ${int(f.achievedRatePerSecond)} | ${int(f.answeredInWindowPerSecond)} | ${int(f.sent)} | ${f.errors} | ${f.wrong} | ${cells(f.overall)} | ${f.peakInFlight} | ${f.mode.kind === 'open' ? ms(f.sendLag.p99Ms) : '-'} | ${Object.entries(
          cores,
        )
          .map(([name, busy]) => `${name} ${busy.toFixed(2)}`)
          .join(', ')} | ${Object.entries(waits)
          .map(([name, waited]) => `${name} ${waited.toFixed(0)}`)
          .join(', ')} |`,
    ),
    '',
    '## Each kind of request, p50 / p99 / p99.9 in ms',
    '',
    ...(s.repeats > 1 ? ["Each level's run whose first page's p99 is the median of its rounds.", ''] : []),
    `| kind | share | ${shown.map((l) => `${pct(l.share)}: requests`).join(' | ')} | ${shown.map((l) => `${pct(l.share)}: p50 / p99 / p99.9`).join(' | ')} | errors | wrong | not sent |`,
    `|---|---:|${shown.map(() => '---:|').join('')}${shown.map(() => '---:|').join('')}---:|---:|---:|`,
    ...r.mix.map((m) => {
      const kinds = shown.map((l) => l.figures.kinds.find((k) => k.name === m.name)!);
      // Errors, wrong answers and requests not sent: over every run, not only those shown.
      const every = r.levels.map((l) => l.figures.kinds.find((k) => k.name === m.name)!);
      const sum = (pick: (k: (typeof every)[number]) => number) => every.reduce((total, k) => total + pick(k), 0);
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
