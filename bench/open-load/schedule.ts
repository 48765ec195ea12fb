import { SeededRandom } from '../../test/helpers/seeded-random';

/**
 * When each request of an open-model run is due and what it is: arrival instants (milliseconds
 * from the start) and the kind of each, drawn from a seed so a run can be repeated exactly.
 * Poisson arrivals by default: many independent users arrive that way, and the bursts they make
 * are the queueing a constant rate would hide. A constant rate is kept for tests that need exact
 * instants.
 */
export type Arrivals = 'poisson' | 'constant';

export interface Schedule {
  /** Intended send instants, ascending, in ms from the run's start. */
  at: Float64Array;
  /** Index into the mix of each request. */
  kind: Uint16Array;
}

/** Picks an index in proportion to `weights` (each at least 0, some above 0). */
export function weightedPicker(weights: readonly number[], random: SeededRandom): () => number {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (!(total > 0) || weights.some((weight) => weight < 0)) throw new Error('mix weights: none negative, some above 0');
  let sum = 0;
  const bounds = weights.map((weight) => (sum += weight / total));
  return () => {
    const draw = random.next();
    const index = bounds.findIndex((bound) => draw < bound);
    return index === -1 ? weights.length - 1 : index;
  };
}

export function buildSchedule(options: {
  ratePerSecond: number;
  seconds: number;
  weights: readonly number[];
  seed: number;
  arrivals: Arrivals;
}): Schedule {
  const { ratePerSecond, seconds, weights, seed, arrivals } = options;
  if (!(ratePerSecond > 0) || !(seconds > 0)) throw new Error('schedule: rate and seconds must be above 0');
  const random = new SeededRandom(seed);
  const pick = weightedPicker(weights, new SeededRandom(seed + 1));
  const meanGapMs = 1000 / ratePerSecond;
  const endMs = seconds * 1000;
  const at: number[] = [];
  for (let t = arrivals === 'poisson' ? random.exponential(meanGapMs) : 0; t < endMs;) {
    at.push(t);
    t += arrivals === 'poisson' ? random.exponential(meanGapMs) : meanGapMs;
  }
  return { at: Float64Array.from(at), kind: Uint16Array.from(at, () => pick()) };
}
