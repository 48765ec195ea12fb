/**
 * A small seeded pseudo-random generator (mulberry32)
 * and the few draws the data set needs: the same seed, the same data set. Never Math.random.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [from, to]. */
  between(from: number, to: number): number {
    return from + this.int(to - from + 1);
  }

  /** One item of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** A standard normal draw (Box-Muller). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]: log(0) never happens
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Log-normal around `median`: most draws near it, a long tail above. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** `digits` hexadecimal digits (at most 8). */
  hex(digits: number): string {
    return Math.floor(this.next() * 2 ** (4 * digits))
      .toString(16)
      .padStart(digits, '0');
  }
}

/** An independent stream for one purpose, so adding draws to one part never shifts another's. */
export const streamOf = (seed: number, purpose: number): SeededRandom =>
  new SeededRandom(Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(purpose, 0x85ebca77));
