import type { BenchSettings } from './bench-settings';
import type { Dataset } from './dataset/dataset';
import { PRESETS } from './dataset/presets';
import type { OperationAnswers } from './hive/answers';
import { answersTable } from './hive/answers';
import type { LoadResult } from './load';
import type { PostgresDataset } from './dataset/postgres-load';
import { OTHER_GATEWAYS, PEER_LABELS } from './other-gateway';
import type { RequestCost } from './request-costs';
import type { ServiceFigures } from './service-figures';
import { machine, saveJson, saveResult } from './results';

/** The two scenarios whose ratio is federation's cost, and the suffix of the pair run at capacity. */
export const SCENARIO_1 = '1. patient first page';
export const SCENARIO_2 = '2. patient first page, records subgraph directly (signed)';
export const AT_CAPACITY = ', at capacity';

export interface ScenarioResult {
  dataset: string;
  name: string;
  /** The gateway (`ours`, `hive`, `hive-rust`) or `records` for the subgraph asked directly. */
  target: string;
  /** The median burst's figures (errors and wrong answers summed over every burst). */
  result: LoadResult;
  /** Each burst's req/s, when the scenario ran in alternating rounds. */
  rounds: number[];
  /** Each process's peak resident memory during the scenario, MB. */
  peakMemoryMb: Record<string, number>;
  /** Each serving process's CPU time (user + system) per request, ms, over every burst. */
  cpuMsPerRequest: Record<string, number>;
}

export interface NationalResults {
  settings: BenchSettings;
  datasets: Dataset[];
  scenarios: ScenarioResult[];
  answers: OperationAnswers[];
  costs: (RequestCost & { dataset: string })[];
  /** Each service's start and steady memory, by data set (older results have none). */
  services?: Record<string, ServiceFigures>;
  /** On PostgreSQL: each data set's load time and size. */
  /** Each data set's load, and who vacuumed and analyzed its databases while the scenarios ran. */
  postgres?: Record<string, Omit<PostgresDataset, 'urls' | 'drop'> & { maintenance?: string }>;
}

/** A data set's name in the tables: its preset, or its sizes when they are not a preset's. */
export const datasetLabel = (d: Dataset): string =>
  d.requested.patients === PRESETS[d.preset].patients && d.requested.entries === PRESETS[d.preset].entries
    ? d.preset
    : `${d.requested.patients} patients, ${d.requested.entries} entries`;

/** Whole numbers; one decimal below 20 (an analyst's few requests a second). */
const int = (n: number) => (n < 20 ? n.toFixed(1) : Math.round(n).toLocaleString('en-GB'));
const ms = (n: number) => n.toFixed(1);
const memory = (peaks: Record<string, number>) =>
  Object.entries(peaks)
    .filter(([, mb]) => mb > 0)
    .map(([name, mb]) => `${name} ${mb}`)
    .join(', ');
/** CPU ms per request: the total over the serving processes, then each (older results have none). */
const cpuTotal = (s: ScenarioResult) => Object.values(s.cpuMsPerRequest ?? {}).reduce((sum, cpu) => sum + cpu, 0);
const cpu = (s: ScenarioResult) =>
  s.cpuMsPerRequest
    ? `${cpuTotal(s).toFixed(2)} (${Object.entries(s.cpuMsPerRequest)
        .map(([name, value]) => `${name} ${value.toFixed(2)}`)
        .join(', ')})`
    : '';

/** How many cores the processes that served a scenario kept busy: CPU per request times req/s. */
const busyCores = (s: ScenarioResult) => (cpuTotal(s) * s.result.reqPerSec) / 1000;

/** The ratios the benchmark aims for (bench/README.md), worked out from the same run's figures. */
function targets(results: NationalResults): string[] {
  const on = datasetLabel(results.datasets[0]!);
  const scenario = (name: string, target: string) =>
    results.scenarios.find((s) => s.dataset === on && s.name === name && s.target === target);
  const find = (name: string, target: string) => scenario(name, target)?.result;
  const lines: string[] = [];
  const pair = (suffix: string) => {
    const first = scenario(`${SCENARIO_1}${suffix}`, 'ours');
    const direct = scenario(`${SCENARIO_2}${suffix}`, 'records');
    return first && direct ? { first, direct, ratio: first.result.reqPerSec / direct.result.reqPerSec } : undefined;
  };
  const light = pair('');
  if (light) {
    const { first, direct, ratio } = light;
    lines.push(
      `- Federation's cost: scenario 1 through our gateway gives ${int(first.result.reqPerSec)} req/s, the records subgraph asked directly ${int(direct.result.reqPerSec)} req/s: ${ratio.toFixed(2)} of it (target: at least 0.5).` +
        (first.cpuMsPerRequest && direct.cpuMsPerRequest ? ` CPU per request: ${cpu(first)} ms against ${cpu(direct)} ms.` : ''),
    );
  }
  const atCapacity = pair(AT_CAPACITY);
  if (atCapacity) {
    const { first, direct, ratio } = atCapacity;
    lines.push(
      `- Federation's cost at capacity (${results.settings.capacityConnections} connections): ${int(first.result.reqPerSec)} req/s against ${int(direct.result.reqPerSec)}: ${ratio.toFixed(2)} of it (target: at least 0.5). ` +
        `Cores kept busy by the serving processes: ${busyCores(first).toFixed(2)} for the page, ${busyCores(direct).toFixed(2)} for the records subgraph alone` +
        (light
          ? ` (at ${results.settings.connections} connections: ${busyCores(light.first).toFixed(2)} and ${busyCores(light.direct).toFixed(2)}).`
          : '.'),
    );
  }
  for (const peer of OTHER_GATEWAYS) {
    const names = [...new Set(results.scenarios.filter((s) => s.target === peer).map((s) => s.name))];
    for (const name of names) {
      const ours = find(name, 'ours');
      const other = find(name, peer);
      if (ours && other) {
        lines.push(
          `- ${name}: ours ${int(ours.reqPerSec)} req/s, ${PEER_LABELS[peer]} ${int(other.reqPerSec)} req/s: ours at ${(ours.reqPerSec / other.reqPerSec).toFixed(2)}× (target: at least 1).`,
        );
      }
    }
  }
  const errors = results.scenarios.reduce((sum, s) => sum + s.result.errors + s.result.wrong, 0);
  lines.push(`- Errors and wrong answers over every scenario: ${errors} (target: 0).`);
  return lines;
}

/** bench/results/national.md (the tables) and national.json (every figure); returns the tables as saved. */
export async function writeNationalResults(results: NationalResults, dir?: string): Promise<string> {
  const { settings } = results;
  const datasets = results.datasets.map(
    (d) =>
      `- \`${datasetLabel(d)}\` (seed ${d.seed}): ${int(d.counts.practices)} practices over ${d.counts.icbs} ICBs, ${int(d.counts.rolloutEvents)} rollout events, ` +
      `${int(d.counts.patients)} patients, ${int(d.counts.entries)} entries (records file ${int(d.files.records.bytes / 1024 / 1024)} MB).`,
  );
  const scenarioRows = results.scenarios.map(
    (s) =>
      `| ${s.dataset} | ${s.name} | ${s.target} | ${int(s.result.reqPerSec)} | ${ms(s.result.p50Ms)} | ${ms(s.result.p99Ms)} | ` +
      `${s.result.errors} | ${s.result.wrong}/${s.result.checked} | ${s.rounds.length > 1 ? s.rounds.map(int).join(', ') : ''} | ${cpu(s)} | ${memory(s.peakMemoryMb)} |`,
  );
  const onPostgres = settings.database === 'postgres';
  const costRows = results.costs.map(
    (c) =>
      `| ${c.dataset} | ${c.name} | ${c.fetches.practices} / ${c.fetches.rollout} / ${c.fetches.records} | ` +
      `${c.statements.practices} / ${c.statements.rollout} / ${c.statements.records} | ` +
      (onPostgres
        ? `${c.roundTrips ? `${c.roundTrips.practices} / ${c.roundTrips.rollout} / ${c.roundTrips.records}` : ''} | `
        : '') +
      `${c.ok ? 'yes' : 'NO'} |`,
  );
  const serviceRows = Object.entries(results.services ?? {}).flatMap(([dataset, figures]) =>
    Object.keys(figures.readySeconds).map(
      (name) => `| ${dataset} | ${name} | ${figures.readySeconds[name]!.toFixed(1)} | ${figures.steadyRssMb[name] ?? ''} |`,
    ),
  );
  const loadRows = Object.entries(results.postgres ?? {}).map(
    ([dataset, p]) =>
      `| ${dataset} | ${p.loadSeconds} | ${p.copySeconds} | ${p.indexSeconds} | ` +
      `${int(Object.values(p.bytes).reduce((sum, b) => sum + b, 0) / 1024 / 1024)} ` +
      `(${Object.entries(p.bytes)
        .map(([name, b]) => `${name} ${int(b / 1024 / 1024)}`)
        .join(', ')}) |`,
  );
  const markdown = [
    settings.preset === 'tenfold' ? '# Ten times national' : '# National-scale benchmark',
    '',
    `${new Date().toISOString()} on ${machine(settings.database)}. \`npm run bench\`${onPostgres ? ' (a database per subgraph, the data set loaded by COPY)' : ''}: every service its own process on a fresh copy of the data set, ` +
      `autocannon over loopback with ${settings.connections} connections (${settings.analystConnections} for the analysts${settings.capacityConnections ? `, ${settings.capacityConnections} for scenarios 1 and 2 at capacity` : ''}), ${settings.warmupSeconds} s warm-up then ${settings.seconds} s measured per scenario; ` +
      `${settings.gatewayWorkers} process(es) per gateway.`,
    '',
    ...datasets,
    '',
    '## Targets',
    '',
    ...targets(results),
    '',
    '## Throughput and latency',
    '',
    'Scenarios compared with each other (the gateways on one operation; scenarios 1 and 2, and the two at capacity; the first page at each record size) ran in alternating bursts, ' +
      `${settings.rounds} each; the figures are the median burst's, errors and wrong answers summed over every burst. ` +
      'CPU is the CPU time (user and system) each process that served the scenario spent per request, over every burst, in ms: the total, then each. ' +
      'Peak memory is the peak resident set, during the scenario, of each process that served it (MB).',
    '',
    '| data set | scenario | served by | req/s | p50 ms | p99 ms | errors | wrong / checked | each round, req/s | CPU ms per request | peak memory MB |',
    '|---|---|---|---:|---:|---:|---:|---:|---|---|---|',
    ...scenarioRows,
    '',
    ...(results.answers.length ? ['## Does each gateway answer correctly?', '', answersTable(results.answers), ''] : []),
    '## What one request costs',
    '',
    "Subgraph fetches the gateway sends, and SQL statements each subgraph runs (counted by TypeORM's logger), per operation (practices / rollout / records)" +
      (onPostgres ? '; round trips to PostgreSQL counted at the pg driver (each query sent, BEGIN and COMMIT included).' : '.'),
    '',
    `| data set | operation | fetches | SQL statements |${onPostgres ? ' round trips |' : ''} answered |`,
    `|---|---|---:|---:|${onPostgres ? '---:|' : ''}---|`,
    ...costRows,
    '',
    ...(serviceRows.length
      ? [
          '## Start and memory',
          '',
          'Seconds from spawning each service to its being ready on the data set, and its resident memory (MB) once every scenario has run.',
          '',
          '| data set | service | ready after, s | resident memory at steady state, MB |',
          '|---|---|---:|---:|',
          ...serviceRows,
          '',
        ]
      : []),
    ...(loadRows.length
      ? [
          '## Loading PostgreSQL',
          '',
          "Seconds to load each data set (migrations, COPY, indexes and keys built after, VACUUM (ANALYZE), a checkpoint) and the databases' size (pg_database_size, MB).",
          '',
          '| data set | load, s | COPY, s | indexes, s | size, MB |',
          '|---|---:|---:|---:|---|',
          ...loadRows,
          '',
          ...Object.entries(results.postgres ?? {}).flatMap(([dataset, p]) =>
            p.maintenance ? [`While the scenarios ran on ${dataset}: ${p.maintenance}.`, ''] : [],
          ),
        ]
      : []),
  ].join('\n');
  // The ten-times data set has files of its own: its run must not replace the national figures.
  const name = settings.preset === 'tenfold' ? 'tenfold' : 'national';
  const saved = await saveResult(name, markdown, dir, false, onPostgres ? 'postgres' : 'sqlite');
  await saveJson(onPostgres ? `${name}-postgres` : name, results, dir);
  return saved;
}
