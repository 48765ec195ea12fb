import { insertNationalRollout } from './national-rollout';
import { Scenario } from './scenario';
import type { Supergraph } from './supergraph';

/**
 * A patient reading their first page while analysts send the heaviest operations the limits
 * allow, at once and without pause (finding 2 of the security issue), over a national-scale
 * rollout. One piece for the test (which asserts what it can count) and the bench (which
 * reports the latencies), so both load the system the same way.
 */

/** The supergraph's clock when started: the practice is switched on then. */
export const ANALYST_LOAD_START = '2024-05-01T09:00:00.000Z';
const NOW = '2024-06-01T09:00:00.000Z';
const DAY = 86_400_000;
const PRACTICE = 'Y99001';
const NHS_NUMBER = '9990001375';
/** The patient's entries: each read of their first page must count exactly these. */
export const PATIENT_ENTRIES = 20;
const FIRST_PAGE =
  '{ me { onlineAccess { state visibleFrom } record(first: 20) { totalCount edges { node { type title availableAt } } } } }';

export interface AnalystLoadSettings {
  /** Unloaded and loaded windows alternate, so both see whatever else the machine is doing then. */
  rounds: number;
  unloadedMs: number;
  loadedMs: number;
  /** Analysts sending at once, each a loop of the heaviest operations. */
  analysts: number;
}

export const ANALYST_LOAD: AnalystLoadSettings = { rounds: 3, unloadedMs: 500, loadedMs: 1300, analysts: 6 };

/** One read of the patient's first page; `wrong` says how it failed (codes and count only: no patient data). */
export interface PatientRead {
  ms: number;
  /** Analysts' operations sent and not yet answered when this read was sent. */
  analystsInFlight: number;
  wrong?: { status: number; codes: string[]; totalCount: number | null };
}

export interface AnalystLoadRun {
  settings: AnalystLoadSettings;
  /** The error codes of each heaviest operation asked alone, before the load: none, as they are within the limits. */
  alone: string[][];
  unloaded: PatientRead[];
  loaded: PatientRead[];
  /** The analysts' operations during the loaded windows: answered, refused OVERLOADED, or anything else (its codes). */
  analysts: { sent: number; answered: number; overloaded: number; other: string[] };
}

export interface AnalystLoad {
  world: { practices: number; events: number };
  run(settings?: AnalystLoadSettings): Promise<AnalystLoadRun>;
}

/** The heaviest analyst operations under the cost limit of 10,000, starting `shift` days further back each time, so nothing is counted once for all. */
export function heaviest(k: number): string {
  const at = (days: number) => new Date(Date.parse(NOW) - days * DAY).toISOString();
  const shift = (k * 7) % 300;
  if (k % 2 === 0) {
    // 1 + 33 × (at + counts + 42 ICBs × 7 fields) = 9,769
    return `{ rolloutTimeline(from: "${at(32 + shift)}", to: "${at(shift)}", interval: DAY, groupBy: ICB) { at counts { key label total notScheduled scheduled enabled paused } } }`;
  }
  // 1 + 1,000 × (at + counts + 7 fields) = 9,001
  return `{ rolloutTimeline(from: "${at(999 + shift)}", to: "${at(shift)}", interval: DAY) { at counts { key label total notScheduled scheduled enabled paused } } }`;
}

const codesOf = (body: { errors?: { extensions?: { code?: string } }[] }): string[] =>
  (body.errors ?? []).map((error) => error.extensions?.code ?? 'NO_CODE');

/**
 * Writes the national rollout (6,500 practices unless `practices` says otherwise) into a
 * supergraph started at ANALYST_LOAD_START, and one switched-on practice with a patient of 20
 * entries; the clock then stands a month later.
 */
export async function prepareAnalystLoad(supergraph: Supergraph, options: { practices?: number } = {}): Promise<AnalystLoad> {
  const s = new Scenario(supergraph);
  const world = await insertNationalRollout(
    supergraph.subgraphs.practices.database.dataSource,
    supergraph.subgraphs.rollout.database.dataSource,
    options.practices === undefined ? {} : { count: options.practices },
  );
  await s.createPractice(PRACTICE);
  await s.switchOn(PRACTICE);
  await s.registerPatient(PRACTICE, NHS_NUMBER);
  s.at('2024-05-02T09:00:00.000Z');
  for (let i = 0; i < PATIENT_ENTRIES; i += 1) await s.addEntry(PRACTICE, NHS_NUMBER, `Consultation ${i}`);
  s.at(NOW);
  return { world, run: async (settings = ANALYST_LOAD) => runLoad(supergraph, s, settings) };
}

async function runLoad(supergraph: Supergraph, s: Scenario, settings: AnalystLoadSettings): Promise<AnalystLoadRun> {
  const patientToken = await s.token(Scenario.patient(NHS_NUMBER));
  const analystToken = await s.token(Scenario.analyst);
  let inFlight = 0;
  const read = async (): Promise<PatientRead> => {
    const analystsInFlight = inFlight;
    const started = performance.now();
    const response = await supergraph.graphql<{ me: { record: { totalCount: number } } }>(patientToken, FIRST_PAGE);
    const ms = performance.now() - started;
    const codes = codesOf(response.body);
    const totalCount = response.body.data?.me.record.totalCount ?? null;
    const right = response.status === 200 && codes.length === 0 && totalCount === PATIENT_ENTRIES;
    return { ms, analystsInFlight, ...(right ? {} : { wrong: { status: response.status, codes, totalCount } }) };
  };
  const alone: string[][] = [];
  for (const k of [0, 1]) alone.push(codesOf((await supergraph.graphql(analystToken, heaviest(k))).body));
  for (let i = 0; i < 5; i += 1) await read(); // warm-up
  const readFor = async (ms: number, into: PatientRead[]) => {
    const until = performance.now() + ms;
    do into.push(await read());
    while (performance.now() < until);
  };

  let loading = false;
  const analysts: AnalystLoadRun['analysts'] = { sent: 0, answered: 0, overloaded: 0, other: [] };
  const analyst = async () => {
    while (loading) {
      analysts.sent += 1;
      inFlight += 1;
      const response = await supergraph.graphql(analystToken, heaviest(analysts.sent));
      inFlight -= 1;
      const codes = codesOf(response.body);
      if (codes.length === 0) analysts.answered += 1;
      else if (codes.every((code) => code === 'OVERLOADED')) analysts.overloaded += 1;
      else analysts.other.push(...codes);
    }
  };
  const unloaded: PatientRead[] = [];
  const loaded: PatientRead[] = [];
  for (let round = 0; round < settings.rounds; round += 1) {
    await readFor(settings.unloadedMs, unloaded);
    loading = true;
    const running = Array.from({ length: settings.analysts }, () => analyst());
    await readFor(settings.loadedMs, loaded);
    loading = false;
    await Promise.all(running); // drained before the next unloaded window
  }
  return { settings, alone, unloaded, loaded, analysts };
}

export interface LatencySummary {
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Reads' latencies as nearest-rank percentiles, in ms. */
export function latencySummary(reads: readonly PatientRead[]): LatencySummary {
  const sorted = reads.map((r) => r.ms).sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  return { requests: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: sorted.at(-1) ?? 0 };
}
