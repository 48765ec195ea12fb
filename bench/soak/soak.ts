import { percentile, saveResult } from '../results';
import { LatencyLog } from './latency-log';
import { OPERATIONS } from './operations';
import { inProcessTarget, processesTarget, type SoakTarget } from './soak-target';

/**
 * Mixed traffic of every role through the gateway over loopback for a fixed time, then it
 * stops by itself. Every sample it records throughput, p50/p99 latency, errors and memory; at
 * the end, the totals and each memory series' trend (least-squares slope over the run's last
 * two thirds). Unexpected errors (any code an operation should not get, any 5xx) are counted.
 */
export interface SoakOptions {
  seconds: number;
  concurrency: number;
  /** Every service its own process (as deployed), else the whole system in this process. */
  processes: boolean;
  /** A PostgreSQL server where each subgraph gets a scratch database, dropped at the end; else SQLite. */
  databaseUrl?: string;
  /** Seconds between samples (default 10). */
  sampleSeconds?: number;
  /** Where soak.md or soak-processes.md (-postgres on PostgreSQL) goes; default bench/results. */
  resultsDir?: string;
  say?: (line: string) => void;
}

export interface SoakSample {
  at: number;
  requests: number;
  p50: number;
  p99: number;
  errors: number;
  memoryMb: Record<string, number>;
}

export interface SoakResults {
  mode: SoakTarget['mode'];
  seconds: number;
  requests: number;
  p50: number;
  p99: number;
  unexpected: Record<string, number>;
  samples: SoakSample[];
  /** Per memory series: first and last sample, and MB per minute over the last two thirds (null: too few samples). */
  memory: Record<string, { firstMb: number; lastMb: number; trendMbPerMinute: number | null }>;
  markdown: string;
}

export async function runSoak(options: SoakOptions): Promise<SoakResults> {
  const say = options.say ?? ((line: string) => console.log(line));
  const sampleMs = (options.sampleSeconds ?? 10) * 1000;
  const target = options.processes ? await processesTarget(options.databaseUrl) : await inProcessTarget(options.databaseUrl);
  const window = { latencies: [] as number[], errors: 0 };
  const all = new LatencyLog();
  const unexpected = new Map<string, number>();
  const samples: SoakSample[] = [];
  let started = 0;
  try {
    const tokens = await Promise.all(OPERATIONS.map((op) => target.token(op.role)));
    started = performance.now();
    const deadline = started + options.seconds * 1000;
    let next = 0;
    const worker = async () => {
      while (performance.now() < deadline) {
        const i = next++ % OPERATIONS.length;
        const op = OPERATIONS[i]!;
        const t0 = performance.now();
        const response =
          op.role.role === 'app'
            ? await target.byId(tokens[i]!, op.query, op.variables?.())
            : await target.graphql(tokens[i]!, op.query, op.variables?.());
        const ms = performance.now() - t0;
        window.latencies.push(ms);
        all.push(ms);
        const codes = (response.body.errors ?? []).map((error) => error.extensions?.code ?? 'NONE');
        const wrong = response.status >= 500 || codes.some((code) => !(op.expected ?? []).includes(code));
        const missing = (op.expected ?? []).length > 0 && codes.length === 0;
        if (wrong || missing) {
          window.errors += 1;
          const key = `${op.name}: HTTP ${response.status} ${codes.join(',') || 'no error'}`;
          unexpected.set(key, (unexpected.get(key) ?? 0) + 1);
        }
      }
    };
    const sampler = setInterval(() => {
      const sorted = [...window.latencies].sort((a, b) => a - b);
      const sample: SoakSample = {
        at: Math.round((performance.now() - started) / 1000),
        requests: sorted.length,
        p50: sorted.length ? percentile(sorted, 50) : 0,
        p99: sorted.length ? percentile(sorted, 99) : 0,
        errors: window.errors,
        memoryMb: target.memoryMb(),
      };
      samples.push(sample);
      const memory = Object.entries(sample.memoryMb)
        .map(([name, mb]) => `${name} ${mb.toFixed(1)} MB`)
        .join('  ');
      say(
        `${String(sample.at).padStart(5)} s  ${(sample.requests / (sampleMs / 1000)).toFixed(0).padStart(5)} req/s  p50 ${sample.p50.toFixed(1)} ms  p99 ${sample.p99.toFixed(1)} ms  errors ${sample.errors}  ${memory}`,
      );
      window.latencies = [];
      window.errors = 0;
    }, sampleMs);
    try {
      await Promise.all(Array.from({ length: options.concurrency }, worker));
    } finally {
      clearInterval(sampler);
    }
  } finally {
    await target.stop();
  }
  const elapsed = (performance.now() - started) / 1000;
  const sorted = all.sorted();
  const tail = samples.slice(Math.floor(samples.length / 3));
  const series = Object.keys(samples[0]?.memoryMb ?? {});
  const memory = Object.fromEntries(
    series.map((name) => [
      name,
      {
        firstMb: samples[0]!.memoryMb[name]!,
        lastMb: samples.at(-1)!.memoryMb[name]!,
        trendMbPerMinute: slopePerMinute(tail.map((s) => ({ at: s.at, mb: s.memoryMb[name]! }))),
      },
    ]),
  );
  const results = {
    mode: target.mode,
    seconds: elapsed,
    requests: sorted.length,
    p50: sorted.length ? percentile(sorted, 50) : 0,
    p99: sorted.length ? percentile(sorted, 99) : 0,
    unexpected: Object.fromEntries(unexpected),
    samples,
    memory,
  };
  // In one process without a server of its own, the supergraph takes the suite's PostgreSQL when TEST_DATABASE_URL is set.
  const onPostgres = Boolean(options.databaseUrl) || (!options.processes && Boolean(process.env.TEST_DATABASE_URL));
  const markdown = await saveResult(
    // Each form its own file: one process's heap after a GC, or each service's resident memory.
    options.processes ? 'soak-processes' : 'soak',
    soakMarkdown(results, options, onPostgres),
    options.resultsDir,
    false,
    onPostgres ? 'postgres' : 'sqlite',
  );
  return { ...results, markdown };
}

function soakMarkdown(results: Omit<SoakResults, 'markdown'>, options: SoakOptions, onPostgres: boolean): string {
  const unexpectedTotal = Object.values(results.unexpected).reduce((a, b) => a + b, 0);
  const how =
    results.mode === 'processes'
      ? 'every service its own process (resident memory, VmRSS, of each)'
      : `all services in one process (${(globalThis as { gc?: unknown }).gc ? 'heap measured after a full GC' : 'run with --expose-gc for GC-settled heap figures'})`;
  const details = Object.entries(results.unexpected).map(([key, count]) => `- ${count} × ${key}`);
  return [
    '# Soak: mixed traffic of every role through the gateway',
    '',
    `${new Date().toISOString()}; concurrency ${options.concurrency}; ${how}; demo world, ${onPostgres ? 'PostgreSQL, a database per subgraph' : 'SQLite'}; a sample every ${options.sampleSeconds ?? 10} s.`,
    '',
    '| seconds | requests | req/s | p50 ms | p99 ms | unexpected errors |',
    '|---:|---:|---:|---:|---:|---:|',
    `| ${results.seconds.toFixed(0)} | ${results.requests} | ${(results.requests / results.seconds).toFixed(0)} | ${results.p50.toFixed(1)} | ${results.p99.toFixed(1)} | ${unexpectedTotal} |`,
    '',
    '## Memory',
    '',
    'Each series at the first sample (steady state once the traffic runs) and the last, and its least-squares trend over the last two thirds of the run.',
    '',
    '| series | first sample, MB | last sample, MB | trend, MB per minute |',
    '|---|---:|---:|---:|',
    ...Object.entries(results.memory).map(
      ([name, m]) =>
        `| ${name} | ${m.firstMb.toFixed(1)} | ${m.lastMb.toFixed(1)} | ${m.trendMbPerMinute === null ? 'n/a (run longer)' : m.trendMbPerMinute.toFixed(2)} |`,
    ),
    ...(details.length ? ['', 'Unexpected errors:', '', ...details] : []),
    '',
  ].join('\n');
}

/** Least-squares slope in MB per minute; null with fewer than three samples. */
export function slopePerMinute(points: readonly { at: number; mb: number }[]): number | null {
  if (points.length < 3) return null;
  const n = points.length;
  const meanX = points.reduce((sum, p) => sum + p.at, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.mb, 0) / n;
  const covariance = points.reduce((sum, p) => sum + (p.at - meanX) * (p.mb - meanY), 0);
  const variance = points.reduce((sum, p) => sum + (p.at - meanX) ** 2, 0);
  return variance === 0 ? 0 : (covariance / variance) * 60;
}
