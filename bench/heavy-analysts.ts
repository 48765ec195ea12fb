import {
  ANALYST_LOAD_START,
  PATIENT_ENTRIES,
  latencySummary,
  prepareAnalystLoad,
  type AnalystLoadRun,
  type AnalystLoadSettings,
  type LatencySummary,
} from '../test/helpers/analyst-load';
import { startSupergraph } from '../test/helpers/supergraph';
import { machine, RESULTS_DIR, saveJson, saveResult } from './results';

/**
 * A patient's first page while analysts send the heaviest operations the limits allow
 * (test/helpers/analyst-load.ts, the load its test runs), all services in one process: the
 * page's latencies in unloaded and loaded windows, alternating, and what the analysts got.
 */
export interface HeavyAnalystsResults {
  at: string;
  machine: string;
  settings: AnalystLoadSettings;
  world: { practices: number; events: number };
  unloaded: LatencySummary;
  loaded: LatencySummary;
  /** Loaded p95 ÷ unloaded p95. */
  p95Ratio: number;
  analysts: { sent: number; answered: number; overloaded: number };
}

/** The bench's defaults: longer windows than the test's, for more reads behind each figure. */
export function heavyAnalystsSettings(env: NodeJS.ProcessEnv = process.env): AnalystLoadSettings {
  const whole = (name: string, fallback: number, min: number, max: number): number => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name}: a whole number from ${min} to ${max}`);
    return value;
  };
  return {
    rounds: whole('BENCH_HEAVY_ROUNDS', 5, 1, 50),
    unloadedMs: 1000,
    loadedMs: 2600,
    analysts: whole('BENCH_HEAVY_ANALYSTS', 6, 1, 64),
  };
}

/** Any wrong patient read or unexpected analyst answer fails the run before anything is written. */
function checked(run: AnalystLoadRun): AnalystLoadRun {
  const wrong = [...run.unloaded, ...run.loaded].filter((read) => read.wrong).map((read) => read.wrong);
  if (wrong.length > 0) throw new Error(`${wrong.length} patient reads wrong: ${JSON.stringify(wrong.slice(0, 5))}`);
  if (run.alone.some((codes) => codes.length > 0))
    throw new Error(`an analyst operation alone failed: ${JSON.stringify(run.alone)}`);
  if (run.analysts.other.length > 0) throw new Error(`analysts got ${JSON.stringify(run.analysts.other.slice(0, 5))}`);
  return run;
}

const ms = (value: number) => value.toFixed(0);
/** The JSON keeps a tenth of a millisecond: finer is noise. */
const tenths = (s: LatencySummary): LatencySummary => ({
  requests: s.requests,
  p50: Math.round(s.p50 * 10) / 10,
  p95: Math.round(s.p95 * 10) / 10,
  p99: Math.round(s.p99 * 10) / 10,
  max: Math.round(s.max * 10) / 10,
});
const row = (name: string, s: LatencySummary) =>
  `| ${name} | ${s.requests.toLocaleString('en-GB')} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} | ${ms(s.max)} |`;

export function heavyAnalystsMarkdown(r: HeavyAnalystsResults): string {
  const { rounds, unloadedMs, loadedMs, analysts } = r.settings;
  const { sent, answered, overloaded } = r.analysts;
  return [
    "# A patient's first page while analysts send the heaviest operations allowed",
    '',
    `${r.at} on ${r.machine}; all services in one process. ` +
      `${r.world.practices.toLocaleString('en-GB')} practices over 42 ICBs, ${r.world.events.toLocaleString('en-GB')} rollout events. ` +
      `${rounds} rounds of ${unloadedMs} ms unloaded then ${loadedMs} ms with ${analysts} analysts, each a loop of ICB and ` +
      `national timelines just under the cost limit, while one patient reads their first page (${PATIENT_ENTRIES} entries), one request at a time.`,
    '',
    '| patient first page | requests | p50 ms | p95 ms | p99 ms | max ms |',
    '|---|---:|---:|---:|---:|---:|',
    row('unloaded', r.unloaded),
    row(`under load (${analysts} analysts)`, r.loaded),
    '',
    `- p95 under load ÷ unloaded p95: ${r.p95Ratio.toFixed(1)} (the bound the test once asserted, 5 × unloaded p95 + 250 ms: ${ms(5 * r.unloaded.p95 + 250)} ms).`,
    '- Every patient read was answered correctly.',
    `- Analysts' operations during the loaded windows: ${sent} sent, ${answered} answered, ${overloaded} \`OVERLOADED\`, no other outcome.`,
    '',
  ].join('\n');
}

/** `BENCH_ONLY=heavy-analysts npm run bench`: writes bench/results/heavy-analysts.md and .json. */
export async function heavyAnalysts(
  options: { settings?: AnalystLoadSettings; practices?: number; resultsDir?: string; print?: boolean } = {},
): Promise<HeavyAnalystsResults> {
  const settings = options.settings ?? heavyAnalystsSettings();
  const supergraph = await startSupergraph({ now: ANALYST_LOAD_START });
  let run: AnalystLoadRun;
  let world: HeavyAnalystsResults['world'];
  try {
    const load = await prepareAnalystLoad(supergraph, options.practices === undefined ? {} : { practices: options.practices });
    world = load.world;
    run = checked(await load.run(settings));
  } finally {
    await supergraph.stop();
  }
  const unloaded = latencySummary(run.unloaded);
  const loaded = latencySummary(run.loaded);
  const { sent, answered, overloaded } = run.analysts;
  const results: HeavyAnalystsResults = {
    at: new Date().toISOString(),
    machine: machine(),
    settings,
    world,
    unloaded: tenths(unloaded),
    loaded: tenths(loaded),
    p95Ratio: Math.round((loaded.p95 / unloaded.p95) * 100) / 100,
    analysts: { sent, answered, overloaded },
  };
  const dir = options.resultsDir ?? RESULTS_DIR;
  await saveResult('heavy-analysts', heavyAnalystsMarkdown(results), dir, options.print ?? true);
  await saveJson(`heavy-analysts${process.env.TEST_DATABASE_URL ? '-postgres' : ''}`, results, dir);
  return results;
}
