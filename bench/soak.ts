import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { SubgraphName } from '../platform/config';
import type { DatabaseConfig } from '../subgraphs/runtime/config';
import { Scenario } from '../test/helpers/scenario';
import { createScratchDatabases, type ScratchDatabases } from '../test/helpers/scratch-databases';
import { benchSettings } from './bench-settings';
import { startSupergraph, type Supergraph } from '../test/helpers/supergraph';
import { percentile, saveResult } from './results';

/**
 * `npm run soak -- --seconds N`: mixed traffic of every role through the gateway over loopback
 * (the whole system in this process, on the demo world), for N seconds, then it stops by
 * itself. Every 10 s it prints throughput, p50/p99 latency, errors and memory; at the end, the
 * totals and the memory trend (heap after a full GC, least-squares slope over the run's last
 * two thirds). Unexpected errors (any code an operation should not get, any 5xx) fail the run.
 * On SQLite by default; BENCH_DATABASE=postgres with BENCH_DATABASE_URL puts each subgraph in
 * a database of its own on that server, as production has, dropped at the end.
 */
interface Operation {
  name: string;
  role: Parameters<Scenario['token']>[0];
  query: string;
  variables?: () => Record<string, unknown>;
  /** Codes this operation is meant to get (refusals the test sends on purpose). */
  expected?: string[];
}

const PATIENT = '9990001375';
const PRACTICE = 'B84010';
let written = 0;
const OPERATIONS: Operation[] = [
  {
    name: 'patient first page',
    role: Scenario.patient(PATIENT),
    query: '{ me { onlineAccess { state } record(first: 20) { totalCount edges { node { title availableAt } } } } }',
  },
  {
    // The demo app's ready operation (registered with the demo data), sent by id as its client does.
    name: 'app first page',
    role: Scenario.app('demo-app', PATIENT),
    query: readFileSync(join(__dirname, '..', 'schema', 'operations', 'app', 'record-first-page.graphql'), 'utf8'),
  },
  { name: 'patient access log', role: Scenario.patient(PATIENT), query: '{ me { accessLog(first: 10) { totalCount } } }' },
  {
    name: 'clinician list',
    role: Scenario.clinician(PRACTICE),
    query:
      '{ patients(first: 50) { edges { node { nhsNumber clinicalRecord(first: 3) { totalCount } record(first: 3) { totalCount } } } } }',
  },
  {
    name: 'clinician adds an entry',
    role: Scenario.clinician(PRACTICE),
    query: 'mutation($i: AddRecordEntryInput!) { addRecordEntry(input: $i) { id } }',
    variables: () => ({
      i: { nhsNumber: PATIENT, type: 'CONSULTATION_NOTE', title: `Soak ${(written += 1)}`, body: 'Soak test entry' },
    }),
  },
  {
    name: 'supplier practices',
    role: Scenario.supplier('EMIS'),
    query: '{ practices(first: 50, supplier: EMIS) { totalCount edges { node { odsCode accessStatus } } } }',
  },
  { name: 'analyst summary', role: Scenario.analyst, query: '{ rolloutSummary(groupBy: ICB) { key total enabled paused } }' },
  {
    name: 'analyst paused',
    role: Scenario.analyst,
    query: '{ pausedPractices { totalCount edges { node { name currentPause { reason since } } } } }',
  },
  { name: 'nhse apps', role: Scenario.nhse, query: '{ apps { clientId revokedAt } }' },
  {
    name: 'refused: analyst reads a record',
    role: Scenario.analyst,
    query: `{ patient(nhsNumber: "${PATIENT}") { nhsNumber } }`,
    expected: ['FORBIDDEN'],
  },
  {
    name: 'refused: alias overload',
    role: Scenario.patient(PATIENT),
    query: `{ ${Array.from({ length: 21 }, (_, k) => `a${k}: __typename`).join(' ')} }`,
    expected: ['BAD_USER_INPUT'],
  },
];

async function main() {
  const { values } = parseArgs({
    options: { seconds: { type: 'string', default: '60' }, concurrency: { type: 'string', default: '8' } },
  });
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  if (!(seconds > 0) || !(concurrency > 0)) throw new Error('--seconds and --concurrency must be positive numbers');
  const gc = (globalThis as { gc?: () => void }).gc;
  const settings = benchSettings();
  const scratch: ScratchDatabases | undefined =
    settings.database === 'postgres' ? await createScratchDatabases('soak', settings.databaseUrl) : undefined;
  const databases = scratch
    ? (Object.fromEntries(
        Object.entries(scratch.urls).map(([name, url]) => [name, { kind: 'postgres', url } satisfies DatabaseConfig]),
      ) as Record<SubgraphName, DatabaseConfig>)
    : undefined;
  const supergraph: Supergraph = await startSupergraph({
    now: new Date().toISOString(),
    demoData: true,
    appRateLimit: { perSecond: 100_000, burst: 100_000 },
    ...(databases ? { databases } : {}),
  });
  const s = new Scenario(supergraph);
  const tokens = await Promise.all(OPERATIONS.map((op) => s.token(op.role)));

  const window = { latencies: [] as number[], errors: 0 };
  const all: number[] = [];
  const unexpected = new Map<string, number>();
  const samples: { at: number; heapMb: number; rssMb: number; requests: number; p50: number; p99: number; errors: number }[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let next = 0;

  const worker = async () => {
    while (performance.now() < deadline) {
      const i = next++ % OPERATIONS.length;
      const op = OPERATIONS[i]!;
      const t0 = performance.now();
      const response =
        op.role.role === 'app'
          ? await s.as(op.role, op.query, op.variables?.())
          : await supergraph.graphql(tokens[i]!, op.query, op.variables?.());
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
    gc?.();
    const sorted = [...window.latencies].sort((a, b) => a - b);
    const memory = process.memoryUsage();
    const sample = {
      at: Math.round((performance.now() - started) / 1000),
      heapMb: memory.heapUsed / 2 ** 20,
      rssMb: memory.rss / 2 ** 20,
      requests: sorted.length,
      p50: sorted.length ? percentile(sorted, 50) : 0,
      p99: sorted.length ? percentile(sorted, 99) : 0,
      errors: window.errors,
    };
    samples.push(sample);
    console.log(
      `${String(sample.at).padStart(5)} s  ${(sample.requests / 10).toFixed(0).padStart(5)} req/s  p50 ${sample.p50.toFixed(1)} ms  p99 ${sample.p99.toFixed(1)} ms  errors ${sample.errors}  heap ${sample.heapMb.toFixed(1)} MB  rss ${sample.rssMb.toFixed(0)} MB`,
    );
    window.latencies = [];
    window.errors = 0;
  }, 10_000);
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearInterval(sampler);
  await supergraph.stop();
  await scratch?.drop();

  const sorted = all.sort((a, b) => a - b);
  const elapsed = (performance.now() - started) / 1000;
  const tail = samples.slice(Math.floor(samples.length / 3));
  const slope = heapSlopeMbPerMinute(tail);
  const unexpectedTotal = [...unexpected.values()].reduce((a, b) => a + b, 0);
  const rows = [
    '| seconds | requests | req/s | p50 ms | p99 ms | unexpected errors | heap trend (MB/min, last 2/3, after GC) | heap first → last (MB) |',
    '|---:|---:|---:|---:|---:|---:|---:|---|',
    `| ${elapsed.toFixed(0)} | ${sorted.length} | ${(sorted.length / elapsed).toFixed(0)} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} | ${unexpectedTotal} | ${slope === null ? 'n/a (run longer)' : slope.toFixed(2)} | ${samples[0]?.heapMb.toFixed(1) ?? '-'} → ${samples.at(-1)?.heapMb.toFixed(1) ?? '-'} |`,
  ];
  const details = [...unexpected.entries()].map(([key, count]) => `- ${count} × ${key}`).join('\n');
  const onPostgres = settings.database === 'postgres' || (!scratch && Boolean(process.env.TEST_DATABASE_URL));
  await saveResult(
    'soak',
    `# Soak: mixed traffic of every role through the gateway\n\n${new Date().toISOString()}; concurrency ${concurrency}; ${gc ? 'heap measured after a full GC' : 'run with --expose-gc for GC-settled heap figures'}; all services in one process, demo world, ${onPostgres ? 'PostgreSQL' : 'SQLite'}.\n\n${rows.join('\n')}\n${details ? `\nUnexpected errors:\n\n${details}\n` : ''}`,
    undefined,
    true,
    onPostgres ? 'postgres' : 'sqlite',
  );
  if (unexpectedTotal > 0) process.exitCode = 1;
}

/** Least-squares slope of heap over time, in MB per minute; null with fewer than three samples. */
function heapSlopeMbPerMinute(samples: readonly { at: number; heapMb: number }[]): number | null {
  if (samples.length < 3) return null;
  const n = samples.length;
  const meanX = samples.reduce((sum, p) => sum + p.at, 0) / n;
  const meanY = samples.reduce((sum, p) => sum + p.heapMb, 0) / n;
  const covariance = samples.reduce((sum, p) => sum + (p.at - meanX) * (p.heapMb - meanY), 0);
  const variance = samples.reduce((sum, p) => sum + (p.at - meanX) ** 2, 0);
  return (covariance / variance) * 60;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
