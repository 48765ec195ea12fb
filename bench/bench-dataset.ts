import { parseArgs } from 'node:util';
import { ensureDataset } from './dataset/dataset';
import { PRESET_NAMES, isPresetName } from './dataset/presets';

/**
 * `npm run bench:dataset -- [--preset small|national] [--seed N] [--patients N] [--entries N]
 * [--practices N] [--dir DIR]`: generates the bench data set (or reuses a matching one) and
 * prints its manifest's main facts on stdout; progress goes to stderr.
 */
const USAGE = `usage: npm run bench:dataset -- [--preset ${PRESET_NAMES.join('|')}] [--seed N] [--patients N] [--entries N] [--practices N] [--dir DIR]`;

function whole(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(number) || number < 0) throw new Error(`--${name}: not a whole number: ${value}\n${USAGE}`);
  return number;
}

async function main() {
  const { values } = parseArgs({
    options: {
      preset: { type: 'string', default: 'national' },
      seed: { type: 'string' },
      patients: { type: 'string' },
      entries: { type: 'string' },
      practices: { type: 'string' },
      dir: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return console.log(USAGE);
  if (!isPresetName(values.preset)) throw new Error(`--preset: ${values.preset}?\n${USAGE}`);
  const dataset = await ensureDataset({
    preset: values.preset,
    seed: whole('seed', values.seed),
    patients: whole('patients', values.patients),
    entries: whole('entries', values.entries),
    practices: whole('practices', values.practices),
    dir: values.dir,
  });
  console.log(
    JSON.stringify(
      {
        dir: dataset.dir,
        reused: dataset.reused,
        counts: dataset.counts,
        files: dataset.files,
        generationSeconds: dataset.generationSeconds,
        samples: { patients: dataset.samples.patients, clinicianPractice: dataset.samples.clinicianPractice },
      },
      null,
      2,
    ),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
