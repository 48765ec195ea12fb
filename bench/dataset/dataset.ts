import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { SubgraphName } from '../../platform/config';
import { openDatabase } from '../../subgraphs/runtime/database';
import { INTEGRATED_CARE_BOARDS } from '../../subgraphs/practices/reference/integrated-care-boards';
import { createProgressBar, silentProgress } from '../../subgraphs/runtime/progress-bar';
import { GENERATOR_VERSION, mismatch, readManifest, writeManifest, type DatasetManifest } from './manifest';
import { planPatients, type PlannedPatient } from './patient-plan';
import { datasetName, datasetRequest, type DatasetOptions, type DatasetRequest } from './presets';
import { loadRecords } from './records-load';
import { writeRolloutWorld } from './rollout-world';
import { streamOf } from '../../test/helpers/seeded-random';
import { SUBGRAPH_NAMES, SUBGRAPH_SCHEMAS, migrationNames } from './subgraph-schemas';
import { TIMELINE } from './timeline';

export type { DatasetManifest, SamplePatient } from './manifest';
export type { DatasetOptions, PresetName } from './presets';

/** A data set ready on disk: its manifest, where it is, and whether an earlier run's was reused. */
export interface Dataset extends DatasetManifest {
  /** Holds <subgraph>.sqlite for each subgraph: DATA_DIR=dir makes a service open its file. */
  dir: string;
  reused: boolean;
}

/** data/ is git-ignored: data sets live under data/bench/ unless told otherwise. */
export const BENCH_DATA_DIR = resolve(__dirname, '..', '..', 'data', 'bench');

/**
 * The bench data set for `options`: reused when `dir` already holds a complete one made the
 * same way (same generator version, preset, seed, sizes and migrations), else generated into a
 * temporary directory renamed into place once complete, so an interrupted run never leaves a
 * half data set that looks whole.
 */
export async function ensureDataset(options: DatasetOptions): Promise<Dataset> {
  const request = datasetRequest(options);
  const dir = resolve(options.dir ?? join(BENCH_DATA_DIR, datasetName(request)));
  const migrations = migrationNames();
  const say = options.quiet ? () => undefined : (line: string) => void process.stderr.write(`${line}\n`);
  const existing = readManifest(dir);
  const why = mismatch(dir, existing, request, migrations);
  if (existing && why === null) {
    say(`bench dataset: reusing ${dir} (generated ${existing.generatedAt} in ${existing.generationSeconds} s)`);
    return { ...existing, dir, reused: true };
  }
  if (existsSync(dir)) {
    // Only ever delete what we made: a data set (it has a manifest) or an empty directory.
    if (!existing && readdirSync(dir).length > 0) throw new Error(`${dir} exists and is not a bench data set: not touching it`);
    say(`bench dataset: regenerating ${dir} (${why})`);
  }
  removeAbandoned(dir);
  const temp = `${dir}.tmp-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  try {
    const manifest = await generate(temp, basename(dir), request, migrations, say, options.quiet ?? false);
    writeManifest(temp, manifest);
    rmSync(dir, { recursive: true, force: true });
    renameSync(temp, dir);
    const bytes = SUBGRAPH_NAMES.reduce((sum, name) => sum + manifest.files[name].bytes, 0);
    say(
      `bench dataset: ${basename(dir)}: ${manifest.counts.practices} practices, ${manifest.counts.rolloutEvents} rollout events, ` +
        `${manifest.counts.patients} patients, ${manifest.counts.entries} entries, ${(bytes / 1e6).toFixed(1)} MB ` +
        `in ${manifest.generationSeconds} s -> ${dir}`,
    );
    return { ...manifest, dir, reused: false };
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}

/** Temporary directories of runs that were interrupted (their process is gone). */
function removeAbandoned(dir: string): void {
  const parent = dirname(dir);
  if (!existsSync(parent)) return;
  const prefix = `${basename(dir)}.tmp-`;
  for (const entry of readdirSync(parent)) {
    const pid = Number(entry.slice(prefix.length));
    if (!entry.startsWith(prefix) || !Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
    rmSync(join(parent, entry), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function generate(
  dir: string,
  name: string,
  request: DatasetRequest,
  migrations: Record<SubgraphName, string[]>,
  say: (line: string) => void,
  quiet: boolean,
): Promise<DatasetManifest> {
  const started = performance.now();
  const window = { historyFrom: Date.parse(TIMELINE.historyFrom), asOf: Date.parse(TIMELINE.asOf) };
  say(
    `bench dataset: generating ${name}: ${request.practices} practices, ${request.patients} patients, ${request.entries} entries`,
  );

  const world = await writeRolloutWorld(dir, {
    practices: request.practices,
    seed: request.seed,
    asOf: new Date(window.asOf),
    updatedAt: new Date(TIMELINE.practicesUpdatedAt),
  });
  say(`bench dataset: practices and rollout written (${world.practices.length} practices, ${world.events} events)`);
  const plan = planPatients(world.practices, request, window, streamOf(request.seed, 1));

  const recordsPath = join(dir, 'records.sqlite');
  await (await openDatabase({ kind: 'sqlite', path: recordsPath }, SUBGRAPH_SCHEMAS.records)).close();
  const progress = quiet ? silentProgress : createProgressBar({ label: 'bench dataset: records', total: request.entries });
  let loaded: { entries: number; exclusionEvents: number };
  try {
    loaded = loadRecords(recordsPath, plan, window, streamOf(request.seed, 2), progress);
    progress.finish(true);
  } catch (error) {
    progress.finish(false);
    throw error;
  }

  const sample = (patient: PlannedPatient) => ({
    nhsNumber: patient.nhsNumber,
    odsCode: patient.odsCode,
    entries: patient.entries,
    registeredAt: new Date(patient.registeredAt).toISOString(),
  });
  const [entries10, entries1000, entries10000] = plan.samples.map((index) => sample(plan.patients[index]!));
  const clinician = plan.clinicianPractice;
  return {
    generatorVersion: GENERATOR_VERSION,
    preset: request.preset,
    seed: request.seed,
    requested: { practices: request.practices, patients: request.patients, entries: request.entries },
    counts: {
      practices: world.practices.length,
      icbs: INTEGRATED_CARE_BOARDS.length,
      rolloutEvents: world.events,
      enabledPractices: world.practices.filter((practice) => practice.status === 'ENABLED').length,
      patients: plan.patients.length,
      entries: loaded.entries,
      exclusionEvents: loaded.exclusionEvents,
    },
    migrations,
    files: Object.fromEntries(
      SUBGRAPH_NAMES.map((name) => [name, { file: `${name}.sqlite`, bytes: statSync(join(dir, `${name}.sqlite`)).size }]),
    ) as DatasetManifest['files'],
    instants: { ...TIMELINE },
    samples: {
      patients: { entries10: entries10!, entries1000: entries1000!, entries10000: entries10000! },
      typical: plan.typical.map((index) => plan.patients[index]!.nhsNumber),
      clinicianPractice: {
        odsCode: clinician.odsCode,
        patients: plan.patients.filter((patient) => patient.odsCode === clinician.odsCode).length,
        switchedOnAt: new Date(clinician.periods[0]!.from).toISOString(),
      },
    },
    generatedAt: new Date().toISOString(),
    generationSeconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
