import { signDevToken } from '../gateway/dev-keys';
import { claimsFor, type TokenRequest } from '../gateway/token-claims';
import { viewerFromClaims } from '../gateway/identity';
import { targetOf } from '../platform/request-signature';
import { benchSettings, type BenchSettings } from './bench-settings';
import { runDatabases, type RunDatabases } from './bench-databases';
import { serviceFigures, type ServiceFigures } from './service-figures';
import { ensureDataset, type Dataset, type DatasetOptions } from './dataset/dataset';
import { describeLoad, runLoad, subgraphSigner, type LoadOptions, type LoadResult } from './load';
import {
  checks,
  CLINICIAN_LIST,
  fiftyTwoWeeksTo,
  PATIENT_FIRST_PAGE,
  PATIENT_PRACTICE,
  PATIENT_PRACTICE_THEN_PAGE,
  RECORDS_FIRST_PAGE,
  sameAsReference,
  SUMMARY_BY_ICB,
  WEEKLY_TIMELINE,
} from './operations';
import { peakMemoryMb, resetPeakMemory } from './peak-memory';
import { localPostgresCpu } from './postgres-cpu';
import { measureRequestCosts, type RequestCost } from './request-costs';
import { startOurServices, type OurServices, type ServiceProcess } from '../test/helpers/service-process';
import { startOtherGateway, type GatewayName } from './other-gateway';
import { compareAnswers, type OperationAnswers, type ProbeOperation } from './hive/answers';
import {
  AT_CAPACITY,
  datasetLabel,
  SCENARIO_1,
  SCENARIO_2,
  writeNationalResults,
  type NationalResults,
  type ScenarioResult,
} from './national-results';

const CAPACITY = 'scenarios 1 and 2 at capacity';

/** One scenario's load: its name, the gateway (or subgraph) it ran against, and the figures. */
interface Scenario {
  name: string;
  /** Scenarios of one group run in alternating bursts (default: the scenario alone). */
  group?: string;
  /** Concurrent connections, when not the settings' (analysts ask a few at a time). */
  connections?: number;
  /** Which server answered: a gateway, or `records` for the subgraph asked directly. */
  target: GatewayName | 'records';
  load: Omit<LoadOptions, 'connections' | 'durationSeconds' | 'warmupSeconds'>;
}

/** Tokens for every patient in `nhsNumbers`, one per request in turn (load spread over the country). */
async function patientTokens(mint: (request: TokenRequest) => Promise<string>, nhsNumbers: readonly string[]): Promise<string[]> {
  const tokens: string[] = [];
  for (const nhsNumber of nhsNumbers) tokens.push(await mint({ role: 'patient', nhsNumber }));
  return tokens;
}

/** Round robin over per-request variants (tokens, or bodies with their signatures). */
function roundRobin<T>(items: readonly T[]): () => T {
  let next = 0;
  return () => items[(next = (next + 1) % items.length)]!;
}

/** The representations the gateway would send records for each patient (from an answer of ours). */
async function representations(
  gatewayUrl: string,
  tokens: readonly string[],
): Promise<
  { nhsNumber: string; registeredPractice: { accessOdsCode: string; accessStatus: string; accessPeriods: unknown[] } }[]
> {
  const answers = [];
  for (const token of tokens) {
    const response = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: PATIENT_PRACTICE }),
    });
    const body = (await response.json()) as {
      data?: {
        me: { nhsNumber: string; registeredPractice: { accessOdsCode: string; accessStatus: string; accessPeriods: unknown[] } };
      };
      errors?: unknown[];
    };
    if (body.errors || !body.data) throw new Error(`our gateway refused a typical patient's practice: ${JSON.stringify(body)}`);
    const { nhsNumber, registeredPractice } = body.data.me;
    answers.push({
      nhsNumber,
      registeredPractice: {
        accessOdsCode: registeredPractice.accessOdsCode,
        accessStatus: registeredPractice.accessStatus,
        accessPeriods: registeredPractice.accessPeriods,
      },
    });
  }
  return answers;
}

async function sendOnce(url: string, token: string, query: string, variables?: Record<string, unknown>): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
  });
  return response.json();
}

/** Runs the scenarios on one data set and returns their figures, the gateways' answers and costs. */
async function runOn(
  dataset: Dataset,
  settings: BenchSettings,
  full: boolean,
  say: (line: string) => void,
): Promise<{
  scenarios: ScenarioResult[];
  answers: OperationAnswers[];
  costs: RequestCost[];
  services: ServiceFigures;
  postgres?: RunDatabases['postgres'] & { maintenance?: string };
}> {
  const databases = await runDatabases(dataset, settings, say);
  const { dataDir } = databases;
  const log = (line: string) => say(`[${datasetLabel(dataset)}] ${line}`);
  let services: OurServices;
  try {
    services = await startOurServices({ dataDir, demoData: false, gatewayWorkers: settings.gatewayWorkers, env: databases.env });
  } catch (error) {
    await databases.remove();
    throw error;
  }
  const running: ServiceProcess[] = [services.practices, services.rollout, services.records, services.gateway];
  const scenarios: ScenarioResult[] = [];
  let answers: OperationAnswers[] = [];
  let figures: ServiceFigures;
  try {
    const mint = (request: TokenRequest) => signDevToken(services.keysPath, claimsFor(request), { expiresIn: '2h' });
    const typical = dataset.samples.typical;
    const typicalTokens = await patientTokens(mint, typical);
    const { entries10, entries1000, entries10000 } = dataset.samples.patients;
    const clinician = await mint({ role: 'clinician', odsCode: dataset.samples.clinicianPractice.odsCode });
    const analyst = await mint({ role: 'analyst' });
    const timeline = fiftyTwoWeeksTo(dataset.instants.asOf);

    const urls: Record<string, string> = { ours: services.urls.gateway };
    const others: ServiceProcess[] = [];
    if (full && settings.hive) {
      for (const name of settings.peers) {
        const other = await startOtherGateway(name, services, settings.gatewayWorkers);
        others.push(other);
        urls[name] = other.url;
      }
    }

    // Single-patient scenarios: every answer must equal the first one our gateway gave.
    const samples = [entries10, entries1000, entries10000];
    const sampleTokens = await Promise.all(samples.map((sample) => mint({ role: 'patient', nhsNumber: sample.nhsNumber })));

    // Which gateway answers each operation correctly (ours is the reference: the suite proves it).
    const probe: ProbeOperation[] = [
      { name: 'patient first page', token: typicalTokens[0]!, query: PATIENT_FIRST_PAGE },
      { name: 'patient first page, 10,000 entries', token: sampleTokens[2]!, query: PATIENT_FIRST_PAGE },
      { name: 'me + registeredPractice', token: typicalTokens[0]!, query: PATIENT_PRACTICE },
      { name: 'me + registeredPractice, then the first page', token: typicalTokens[0]!, query: PATIENT_PRACTICE_THEN_PAGE },
      { name: 'clinician list of 50', token: clinician, query: CLINICIAN_LIST },
      { name: 'rolloutSummary(groupBy: ICB)', token: analyst, query: SUMMARY_BY_ICB },
      { name: 'rolloutTimeline, 52 weeks', token: analyst, query: WEEKLY_TIMELINE, variables: timeline },
    ];
    if (full) {
      answers = await compareAnswers(
        Object.entries(urls).map(([name, url]) => ({ name, url })),
        probe,
      );
    }
    const correct = (gateway: string, operation: string) =>
      gateway === 'ours' || answers.find((a) => a.operation === operation)?.verdicts[gateway]?.kind === 'correct';

    const plan: (Scenario & { operation?: string })[] = [];
    const rotateTokens = (tokens: readonly string[]) => {
      const next = roundRobin(tokens);
      return () => ({ authorization: `Bearer ${next()}` });
    };
    for (const [target, url] of Object.entries(urls) as [GatewayName, string][]) {
      const firstPage: Scenario & { operation: string } = {
        name: SCENARIO_1,
        operation: 'patient first page',
        target,
        load: { url, query: PATIENT_FIRST_PAGE, headersFor: rotateTokens(typicalTokens), check: checks.patientFirstPage },
      };
      const gatewayScenarios: (Scenario & { operation: string })[] = [
        firstPage,
        {
          name: 'two hops: me + registeredPractice',
          operation: 'me + registeredPractice',
          target,
          load: { url, query: PATIENT_PRACTICE, headersFor: rotateTokens(typicalTokens), check: checks.patientPractice },
        },
      ];
      if (full) {
        gatewayScenarios.push(
          {
            name: '3. clinician list of 50 with latest entries',
            operation: 'clinician list of 50',
            target,
            load: { url, token: clinician, query: CLINICIAN_LIST, check: checks.clinicianList },
          },
          {
            name: '4a. analyst rolloutSummary(groupBy: ICB)',
            operation: 'rolloutSummary(groupBy: ICB)',
            target,
            connections: settings.analystConnections,
            load: { url, token: analyst, query: SUMMARY_BY_ICB, check: checks.summaryByIcb },
          },
          {
            name: '4b. analyst rolloutTimeline, 52 weeks',
            operation: 'rolloutTimeline, 52 weeks',
            target,
            connections: settings.analystConnections,
            load: { url, token: analyst, query: WEEKLY_TIMELINE, variables: timeline, check: checks.weeklyTimeline },
          },
        );
      }
      plan.push(...gatewayScenarios.filter((scenario) => correct(target, scenario.operation)));
      if (target !== 'ours') continue;

      // Scenario 2: the same page of the same patients asked of the records subgraph directly.
      const entities = await representations(url, typicalTokens);
      const direct = roundRobin(
        entities.map((patient) => {
          const body = JSON.stringify({
            query: RECORDS_FIRST_PAGE,
            variables: { representations: [{ __typename: 'Patient', ...patient }] },
          });
          // The viewer our gateway derives from the patient's token.
          const viewer = viewerFromClaims(claimsFor({ role: 'patient', nhsNumber: patient.nhsNumber }))!;
          return { body, sign: subgraphSigner(services.signingSecret, viewer, targetOf('records', services.urls.records)) };
        }),
      );
      const directLoad: Scenario['load'] = {
        url: services.urls.records,
        query: RECORDS_FIRST_PAGE,
        requestFor: () => {
          const { body, sign } = direct();
          return { body, headers: sign(body) };
        },
        check: checks.recordsFirstPage,
      };
      plan.push({ name: SCENARIO_2, group: SCENARIO_1, target: 'records', load: directLoad });
      // Scenarios 1 and 2 again at capacity: with the few connections of the other scenarios the page,
      // three calls deep, leaves part of the cores idle while its requests wait on one another;
      // scenario 2 fills its one core.
      if (full && settings.capacityConnections > 0) {
        const capacity = { group: CAPACITY, connections: settings.capacityConnections };
        plan.push(
          { ...capacity, name: `${SCENARIO_1}${AT_CAPACITY}`, target, load: firstPage.load },
          { ...capacity, name: `${SCENARIO_2}${AT_CAPACITY}`, target: 'records', load: directLoad },
        );
      }
      // Scenario 1 as a patient's entries grow, in alternating bursts so the sizes compare fairly.
      for (const [i, sample] of samples.entries()) {
        const reference = await sendOnce(url, sampleTokens[i]!, PATIENT_FIRST_PAGE);
        plan.push({
          name: `1. patient first page, ${sample.entries.toLocaleString('en-GB')} entries`,
          group: '1. patient first page, by entries',
          target,
          load: { url, token: sampleTokens[i]!, query: PATIENT_FIRST_PAGE, check: sameAsReference(reference), sampleEvery: 5 },
        });
      }
    }

    // Scenarios of one group (the same operation through each gateway, the first page from the
    // records subgraph, the first page at each record size) run in alternating bursts, so the
    // machine's drift weighs on each alike.
    const groups = new Map<string, Scenario[]>();
    for (const scenario of plan)
      groups.set(scenario.group ?? scenario.name, [...(groups.get(scenario.group ?? scenario.name) ?? []), scenario]);
    const servers = (target: Scenario['target']): ServiceProcess[] =>
      target === 'records'
        ? [services.records]
        : [
            ...running.filter((p) => p !== services.gateway),
            target === 'ours' ? services.gateway : others.find((o) => o.name === target)!,
          ];
    // On PostgreSQL the server's own CPU, when it shares this machine (postgres-cpu.ts).
    const postgresCpu = settings.database === 'postgres' ? localPostgresCpu(settings.databaseUrl) : undefined;
    for (const members of groups.values()) {
      const rounds = members.length > 1 ? settings.rounds : 1;
      const bursts = new Map<Scenario, { result: LoadResult; memory: Record<string, number>; cpuMs: Record<string, number> }[]>(
        members.map((m) => [m, []]),
      );
      const burst = (scenario: Scenario, seconds: number) =>
        runLoad({
          ...scenario.load,
          connections: scenario.connections ?? settings.connections,
          durationSeconds: seconds,
          warmupSeconds: 0,
        });
      if (settings.warmupSeconds > 0) for (const scenario of members) await burst(scenario, settings.warmupSeconds);
      for (let round = 0; round < rounds; round += 1) {
        for (const scenario of round % 2 ? [...members].reverse() : members) {
          const watched = servers(scenario.target);
          resetPeakMemory(watched);
          const cpuBefore = watched.map((process) => process.cpuMs());
          const postgresBefore = postgresCpu?.();
          const result = await burst(scenario, settings.seconds);
          const cpuMs = Object.fromEntries(watched.map((process, i) => [process.name, process.cpuMs() - cpuBefore[i]!]));
          if (postgresCpu) cpuMs.postgresql = postgresCpu() - postgresBefore!;
          bursts.get(scenario)!.push({ result, memory: peakMemoryMb(watched), cpuMs });
        }
      }
      for (const scenario of members) {
        const runs = bursts.get(scenario)!;
        const median = [...runs].sort((a, b) => a.result.reqPerSec - b.result.reqPerSec)[Math.floor(runs.length / 2)]!.result;
        const sum = (pick: (r: LoadResult) => number) => runs.reduce((total, run) => total + pick(run.result), 0);
        const result: LoadResult = {
          ...median,
          errors: sum((r) => r.errors),
          wrong: sum((r) => r.wrong),
          checked: sum((r) => r.checked),
          ...(runs.find((r) => r.result.firstWrong)
            ? { firstWrong: runs.find((r) => r.result.firstWrong)!.result.firstWrong }
            : {}),
        };
        const memory: Record<string, number> = {};
        for (const run of runs)
          for (const [name, mb] of Object.entries(run.memory)) memory[name] = Math.max(memory[name] ?? 0, mb);
        // CPU time per request over every burst: steadier than throughput on a shared machine.
        const requests = runs.reduce((total, run) => total + run.result.requests, 0);
        const cpuMsPerRequest: Record<string, number> = {};
        for (const run of runs)
          for (const [name, cpu] of Object.entries(run.cpuMs)) cpuMsPerRequest[name] = (cpuMsPerRequest[name] ?? 0) + cpu;
        for (const name of Object.keys(cpuMsPerRequest)) cpuMsPerRequest[name] = requests ? cpuMsPerRequest[name]! / requests : 0;
        log(
          `${scenario.name} [${scenario.target}]: ${describeLoad(result)} (rounds: ${runs.map((r) => Math.round(r.result.reqPerSec)).join(', ')} req/s)`,
        );
        scenarios.push({
          dataset: datasetLabel(dataset),
          name: scenario.name,
          target: scenario.target,
          result,
          rounds: runs.map((r) => r.result.reqPerSec),
          peakMemoryMb: memory,
          cpuMsPerRequest,
        });
      }
    }
    // Resident memory once every scenario has run: what each service holds at steady state.
    figures = serviceFigures([...running, ...others]);
    for (const other of others) await other.stop();
  } catch (error) {
    // This run's databases go too (on PostgreSQL, whole databases on a shared server).
    await services.stop();
    await databases.remove();
    throw error;
  } finally {
    await services.stop();
  }

  const costs = await measureCosts().finally(() => databases.remove());
  const postgres = databases.postgres && { ...databases.postgres, maintenance: databases.maintenance?.describe() };
  return { scenarios, answers, costs, services: figures, ...(postgres ? { postgres } : {}) };

  /** What each operation costs, counted in-process on this run's databases (the services have stopped). */
  function measureCosts(): Promise<RequestCost[]> {
    return full
      ? measureRequestCosts(databases.configs, dataset.instants.asOf, [
          {
            name: 'patient first page (typical patient)',
            as: { role: 'patient', nhsNumber: dataset.samples.typical[0]! },
            query: PATIENT_FIRST_PAGE,
          },
          ...[
            dataset.samples.patients.entries10,
            dataset.samples.patients.entries1000,
            dataset.samples.patients.entries10000,
          ].map((sample) => ({
            name: `patient first page, ${sample.entries.toLocaleString('en-GB')} entries`,
            as: { role: 'patient', nhsNumber: sample.nhsNumber },
            query: PATIENT_FIRST_PAGE,
          })),
          {
            name: 'me + registeredPractice',
            as: { role: 'patient', nhsNumber: dataset.samples.typical[0]! },
            query: PATIENT_PRACTICE,
          },
          {
            name: 'clinician list of 50',
            as: { role: 'clinician', odsCode: dataset.samples.clinicianPractice.odsCode },
            query: CLINICIAN_LIST,
          },
          { name: 'rolloutSummary(groupBy: ICB)', as: { role: 'analyst' }, query: SUMMARY_BY_ICB },
          {
            name: 'rolloutTimeline, 52 weeks',
            as: { role: 'analyst' },
            query: WEEKLY_TIMELINE,
            variables: fiftyTwoWeeksTo(dataset.instants.asOf),
          },
        ])
      : measureRequestCosts(databases.configs, dataset.instants.asOf, [
          ...[dataset.samples.patients.entries10, dataset.samples.patients.entries10000].map((sample) => ({
            name: `patient first page, ${sample.entries.toLocaleString('en-GB')} entries`,
            as: { role: 'patient', nhsNumber: sample.nhsNumber },
            query: PATIENT_FIRST_PAGE,
          })),
        ]);
  }
}

/** Where the data sets come from and where the results go (the defaults: `npm run bench`'s). */
export interface NationalBenchOptions {
  settings?: BenchSettings;
  /** The main data set; default the settings' preset, seed and sizes. */
  dataset?: DatasetOptions;
  /** The data set scenario 1 is compared on as the database grows; default the other preset. */
  comparedWith?: DatasetOptions;
  /** Default bench/results. */
  resultsDir?: string;
  /** Each scenario's figures as it ends, and the results at the end; default the console. */
  say?: (line: string) => void;
}

/**
 * `npm run bench`: the national-scale benchmark. Generates (or reuses) the data set,
 * starts every service as its own process on a fresh copy of it, checks each gateway's answers,
 * then loads each scenario with autocannon over loopback, and saves bench/results/national.md
 * and .json.
 */
export async function nationalBench(options: NationalBenchOptions = {}): Promise<NationalResults> {
  const settings = options.settings ?? benchSettings();
  const dataset = await ensureDataset(
    options.dataset ?? {
      preset: settings.preset,
      ...(settings.seed !== undefined ? { seed: settings.seed } : {}),
      ...(settings.patients !== undefined ? { patients: settings.patients } : {}),
      ...(settings.entries !== undefined ? { entries: settings.entries } : {}),
    },
  );
  const say = options.say ?? ((line: string) => console.log(line));
  const main = await runOn(dataset, settings, true, say);
  let other: Awaited<ReturnType<typeof runOn>> | undefined;
  let otherDataset: Dataset | undefined;
  if (settings.compareSizes) {
    otherDataset = await ensureDataset(
      options.comparedWith ?? {
        preset: settings.preset === 'national' ? 'small' : 'national',
        ...(settings.seed !== undefined ? { seed: settings.seed } : {}),
      },
    );
    other = await runOn(otherDataset, settings, false, say);
  }
  const results: NationalResults = {
    settings,
    datasets: [dataset, ...(otherDataset ? [otherDataset] : [])],
    scenarios: [...main.scenarios, ...(other?.scenarios ?? [])],
    answers: main.answers,
    services: { [datasetLabel(dataset)]: main.services },
    ...(main.postgres
      ? {
          postgres: {
            [datasetLabel(dataset)]: main.postgres,
            ...(other?.postgres ? { [datasetLabel(otherDataset!)]: other.postgres } : {}),
          },
        }
      : {}),
    costs: [
      ...main.costs.map((cost) => ({ ...cost, dataset: datasetLabel(dataset) })),
      ...(other?.costs ?? []).map((cost) => ({ ...cost, dataset: datasetLabel(otherDataset!) })),
    ],
  };
  say(await writeNationalResults(results, options.resultsDir));
  return results;
}
