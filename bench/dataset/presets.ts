import { TEST_NHS_NUMBER_COUNT } from '../../test/helpers/bulk-records';
/**
 * The sizes of a bench data set. Both presets hold the whole country's practices and rollout
 * (cheap); they differ in the records, so "small against national" compares a growing database.
 */
export type PresetName = 'small' | 'national' | 'tenfold';

export interface DatasetSize {
  practices: number;
  patients: number;
  entries: number;
}

export const PRESETS: Record<PresetName, DatasetSize> = {
  national: { practices: 6500, patients: 100_000, entries: 5_000_000 },
  small: { practices: 6500, patients: 5_000, entries: 250_000 },
  // Ten times national's entries (bench/README.md gives the disk and time it takes), over every
  // valid NHS number of the test range: 909,091 patients, not the million a tenfold would have.
  tenfold: { practices: 6500, patients: TEST_NHS_NUMBER_COUNT, entries: 50_000_000 },
};

export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];
export const DEFAULT_SEED = 2022;

export const isPresetName = (value: unknown): value is PresetName => (PRESET_NAMES as unknown[]).includes(value);

export interface DatasetOptions {
  preset: PresetName;
  seed?: number;
  patients?: number;
  entries?: number;
  /** Fewer practices than the country's, for quick tests. */
  practices?: number;
  /** Where the data set lives; default data/bench/<name> (see datasetName). */
  dir?: string;
  /** No progress bar and no messages (tests). */
  quiet?: boolean;
}

/** What is asked for, with the preset's counts where the options say nothing. */
export interface DatasetRequest extends DatasetSize {
  preset: PresetName;
  seed: number;
}

export function datasetRequest(options: DatasetOptions): DatasetRequest {
  if (!isPresetName(options.preset)) throw new Error(`Unknown preset "${String(options.preset)}": ${PRESET_NAMES.join(' or ')}`);
  const preset = PRESETS[options.preset];
  const request: DatasetRequest = {
    preset: options.preset,
    seed: options.seed ?? DEFAULT_SEED,
    practices: options.practices ?? preset.practices,
    patients: options.patients ?? preset.patients,
    entries: options.entries ?? preset.entries,
  };
  const whole = (name: string, value: number, min: number) => {
    if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be a whole number of at least ${min}`);
  };
  whole('seed', request.seed, 0);
  whole('practices', request.practices, 20);
  whole('patients', request.patients, 120);
  whole('entries', request.entries, 1);
  return request;
}

/** `<preset>-<seed>`, then `-<patients>-<entries>` when they differ from the preset, `-<n>p` for fewer practices. */
export function datasetName(request: DatasetRequest): string {
  const preset = PRESETS[request.preset];
  let name = `${request.preset}-${request.seed}`;
  if (request.patients !== preset.patients || request.entries !== preset.entries)
    name += `-${request.patients}-${request.entries}`;
  if (request.practices !== preset.practices) name += `-${request.practices}p`;
  return name;
}
