import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SubgraphName } from '../../platform/config';
import type { DatasetRequest, PresetName } from './presets';
import { SUBGRAPH_NAMES } from './subgraph-schemas';

/**
 * Bump when the generator's output changes for the same request (shapes, columns, rules):
 * data sets written by another version are then regenerated, never reused.
 */
export const GENERATOR_VERSION = 1;

export const MANIFEST_FILE = 'manifest.json';

/** A patient the benchmark scenarios read as. */
export interface SamplePatient {
  nhsNumber: string;
  odsCode: string;
  /** Exactly this many entries in the record (visible or not). */
  entries: number;
  registeredAt: string;
}

/** What a generated data set holds and how it was made; written last, as manifest.json. */
export interface DatasetManifest {
  generatorVersion: number;
  preset: PresetName;
  seed: number;
  /** The sizes asked for (the preset's, or overridden). */
  requested: { practices: number; patients: number; entries: number };
  /** What was written. */
  counts: {
    practices: number;
    icbs: number;
    rolloutEvents: number;
    /** Practices whose access is ENABLED as of instants.asOf. */
    enabledPractices: number;
    patients: number;
    entries: number;
    exclusionEvents: number;
  };
  /** Each subgraph's migrations, in order, that built its file. */
  migrations: Record<SubgraphName, string[]>;
  /** Each subgraph's file (DATA_DIR=<dir> makes a service open it) and its size when written. */
  files: Record<SubgraphName, { file: string; bytes: number }>;
  /** ISO instants: entries from historyFrom, nothing after asOf (a clock at or after asOf sees a fixed world). */
  instants: { historyFrom: string; asOf: string; practicesUpdatedAt: string };
  samples: {
    /** Registered at clinicianPractice (ENABLED for over a year), half their entries before its switch-on. */
    patients: { entries10: SamplePatient; entries1000: SamplePatient; entries10000: SamplePatient };
    /** About 1,000 adults with tens of entries at ENABLED practices, not excluded: load spread over the country. */
    typical: string[];
    /** An ENABLED practice for the clinician scenarios ("a list of 50 patients with their latest entries"). */
    clinicianPractice: { odsCode: string; patients: number; switchedOnAt: string };
  };
  generatedAt: string;
  generationSeconds: number;
}

/** The manifest in `dir`, or null when there is none or it is not a data set's. */
export function readManifest(dir: string): DatasetManifest | null {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as Partial<DatasetManifest> | null;
    return typeof manifest?.generatorVersion === 'number' && typeof manifest.preset === 'string'
      ? (manifest as DatasetManifest)
      : null;
  } catch {
    return null;
  }
}

export function writeManifest(dir: string, manifest: DatasetManifest): void {
  writeFileSync(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

const sameList = (a: readonly string[] | undefined, b: readonly string[]) =>
  Array.isArray(a) && a.length === b.length && a.every((item, i) => item === b[i]);

/**
 * Why the data set in `dir` cannot serve `request`, or null when it can: same generator version,
 * preset, seed and sizes, the same migrations, and every file there. (Sizes are not compared:
 * the services write to the files, e.g. the access log, when a benchmark runs on them.)
 */
export function mismatch(
  dir: string,
  manifest: DatasetManifest | null,
  request: DatasetRequest,
  migrations: Record<SubgraphName, string[]>,
): string | null {
  if (!manifest) return 'no manifest';
  if (manifest.generatorVersion !== GENERATOR_VERSION)
    return `generator version ${manifest.generatorVersion}, now ${GENERATOR_VERSION}`;
  if (manifest.preset !== request.preset || manifest.seed !== request.seed) return 'another preset or seed';
  const asked = manifest.requested;
  if (asked?.practices !== request.practices || asked.patients !== request.patients || asked.entries !== request.entries) {
    return 'other sizes';
  }
  for (const name of SUBGRAPH_NAMES) {
    if (!sameList(manifest.migrations?.[name], migrations[name])) return `${name} migrations changed`;
    const file = manifest.files?.[name]?.file;
    if (!file || !existsSync(join(dir, file)) || statSync(join(dir, file)).size === 0) return `${name} file missing`;
  }
  return null;
}
