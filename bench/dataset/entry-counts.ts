import type { SeededRandom } from '../../test/helpers/seeded-random';

/** The sample patients' exact entry counts (the scenarios' 10, 1,000 and 10,000). */
export const SAMPLE_ENTRY_COUNTS = [10, 1_000, 10_000] as const;

/** Patients per heavy (about 10,000 entries) and per middling (about 1,000 entries) patient. */
const PATIENTS_PER_HEAVY = 20_000;
const PATIENTS_PER_MIDDLING = 1_000;
/** Everyone else: log-normal around 30 entries, so most have tens and a tail has hundreds. */
const TYPICAL_MEDIAN = 30;
const TYPICAL_SIGMA = 0.85;

export const heavyPatients = (patients: number) => Math.floor(patients / PATIENTS_PER_HEAVY);
export const middlingPatients = (patients: number) => Math.floor(patients / PATIENTS_PER_MIDDLING);

/**
 * Entries per patient, summing exactly to `total`: `fixed` patients get their given counts, the
 * rest at least one each plus a log-normal share of what is left. Shares are rounded by running
 * sum, so no entry is lost or added to rounding.
 */
export function entryCounts(
  total: number,
  patients: number,
  fixed: ReadonlyMap<number, number>,
  random: SeededRandom,
): Int32Array {
  const counts = new Int32Array(patients);
  let fixedSum = 0;
  for (const [index, count] of fixed) {
    counts[index] = count;
    fixedSum += count;
  }
  const rest: number[] = [];
  for (let i = 0; i < patients; i += 1) if (!fixed.has(i)) rest.push(i);
  const spare = total - fixedSum - rest.length;
  if (spare < 0) {
    throw new Error(
      `${total} entries are too few for ${patients} patients: the sample and heavy patients take ${fixedSum} and everyone else needs one (at least ${fixedSum + rest.length})`,
    );
  }
  if (rest.length === 0 && spare > 0) throw new Error(`${total} entries are more than the ${fixedSum} the fixed patients hold`);
  const weights = rest.map(() => random.logNormal(TYPICAL_MEDIAN, TYPICAL_SIGMA));
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
  let running = 0;
  let given = 0;
  rest.forEach((index, k) => {
    running += weights[k]!;
    const upTo = k === rest.length - 1 ? spare : Math.round((running / weightSum) * spare);
    counts[index] = 1 + upTo - given;
    given = upTo;
  });
  return counts;
}
