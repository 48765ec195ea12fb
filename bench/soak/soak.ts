import { percentile, saveResult } from '../results';
import { LatencyLog } from './latency-log';
import { OperationThirds, type OperationThird } from './operation-thirds';
import { OPERATIONS } from './operations';
import { soakPatients } from './soak-patients';
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
  /** How many patients the patient-side operations turn through (default 100, the demo patient first). */
  patients?: number;
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
  /** Each operation's requests and latencies in the run's first third and its last. */
  operations: OperationThird[];
  /** On PostgreSQL, who vacuumed and analyzed the databases during the run. */
  maintenance?: string;
  /** CPU per request, ms, of each process (and PostgreSQL's when local) in the first third and the last. */
  cpuPerRequest: Record<string, { first: number; last: number }>;
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
  let thirds: OperationThirds | undefined;
  // CPU used so far at the start, at each third and at the end of sending.
  const cpuAt: Record<string, number>[] = [];
  const cpuTimers: NodeJS.Timeout[] = [];
  try {
    const patients = await soakPatients(target, options.patients ?? 100);
    // One token per role and patient, signed before the clock starts.
    const tokens = new Map<string, string>();
    for (const patient of patients) {
      for (const op of OPERATIONS) {
        const key = JSON.stringify(op.role(patient));
        if (!tokens.has(key)) tokens.set(key, await target.token(op.role(patient)));
      }
    }
    started = performance.now();
    const byOperation = (thirds = new OperationThirds(started, options.seconds));
    cpuAt[0] = target.cpuMs();
    for (const k of [1, 2, 3]) cpuTimers.push(setTimeout(() => (cpuAt[k] = target.cpuMs()), (options.seconds * 1000 * k) / 3));
    const deadline = started + options.seconds * 1000;
    let next = 0;
    const worker = async () => {
      while (performance.now() < deadline) {
        // Every operation in turn, then again for the next patient.
        const n = next++;
        const op = OPERATIONS[n % OPERATIONS.length]!;
        const patient = patients[Math.floor(n / OPERATIONS.length) % patients.length]!;
        const role = op.role(patient);
        const token = tokens.get(JSON.stringify(role))!;
        const t0 = performance.now();
        const response =
          role.role === 'app'
            ? await target.byId(token, op.query, op.variables?.(patient))
            : await target.graphql(token, op.query, op.variables?.(patient));
        const ms = performance.now() - t0;
        window.latencies.push(ms);
        all.push(ms);
        byOperation.push(op.name, t0, ms);
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
      cpuAt[3] ??= target.cpuMs(); // the end of sending, if its timer has not fired yet
    } finally {
      clearInterval(sampler);
      cpuTimers.forEach(clearTimeout);
    }
  } finally {
    await target.stop();
  }
  const elapsed = (performance.now() - started) / 1000;
  const sorted = all.sorted();
  const operations = thirds?.table() ?? [];
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
    operations,
    cpuPerRequest: cpuPerThird(cpuAt, operations),
    ...(target.maintenance ? { maintenance: target.maintenance.describe() } : {}),
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
    `${new Date().toISOString()}; concurrency ${options.concurrency}; ${how}; demo world, the patient-side traffic turning through ${options.patients ?? 100} patients; ${onPostgres ? `PostgreSQL, a database per subgraph${results.maintenance ? ` (${results.maintenance})` : ''}` : 'SQLite'}; a sample every ${options.sampleSeconds ?? 10} s.`,
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
    '',
    '## Each operation, first third of the run against the last',
    '',
    `Throughput: ${thirdRate(results.operations, options.seconds, 0)} req/s in the first third, ${thirdRate(results.operations, options.seconds, 2)} in the last. Each connection waits for its answer before sending again, so an operation that costs more slows every other one too: the operation that slowed most, and the process whose CPU per request grew (below), say what changed.`,
    '',
    '| operation | requests, first / last | p50 ms, first / last | p99 ms, first / last |',
    '|---|---:|---:|---:|',
    ...results.operations.map(
      ({ name, first, last }) =>
        `| ${name} | ${first.requests} / ${last.requests} | ${first.p50.toFixed(1)} / ${last.p50.toFixed(1)} | ${first.p99.toFixed(1)} / ${last.p99.toFixed(1)} |`,
    ),
    ...(Object.keys(results.cpuPerRequest).length
      ? [
          '',
          "CPU per request, ms, first third / last third (each process's user and system time over the requests sent in that third): the same CPU at a lower throughput means the machine gave less, more CPU names the process whose work grew.",
          '',
          '| process | first third | last third |',
          '|---|---:|---:|',
          ...Object.entries(results.cpuPerRequest).map(
            ([name, cpu]) => `| ${name} | ${cpu.first.toFixed(2)} | ${cpu.last.toFixed(2)} |`,
          ),
        ]
      : []),
    ...(details.length ? ['', 'Unexpected errors:', '', ...details] : []),
    '',
  ].join('\n');
}

/** Each series' CPU per request sent in the first third and the last; none unless all four snapshots were taken. */
export function cpuPerThird(
  cpuAt: readonly Record<string, number>[],
  operations: readonly OperationThird[],
): SoakResults['cpuPerRequest'] {
  // `every` over the indexes, not the array: a sparse array's holes would be skipped.
  if (![0, 1, 2, 3].every((k) => cpuAt[k])) return {};
  const sent = (third: 'first' | 'last') => operations.reduce((sum, op) => sum + op[third].requests, 0);
  const perRequest = (from: number, to: number, series: string, requests: number) =>
    requests > 0 ? (cpuAt[to]![series]! - cpuAt[from]![series]!) / requests : 0;
  return Object.fromEntries(
    Object.keys(cpuAt[0]!).map((series) => [
      series,
      { first: perRequest(0, 1, series, sent('first')), last: perRequest(2, 3, series, sent('last')) },
    ]),
  );
}

/** Requests sent a second in one third of the run (0: the first, 2: the last). */
function thirdRate(operations: readonly OperationThird[], seconds: number, third: 0 | 2): string {
  const requests = operations.reduce((sum, op) => sum + (third === 0 ? op.first : op.last).requests, 0);
  return (requests / (seconds / 3)).toFixed(0);
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
