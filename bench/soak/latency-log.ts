/** Latencies a chunk holds: 512 KB, so its store is outside the JS heap (V8 keeps only small typed arrays in it). */
const CHUNK = 65_536;

/**
 * Every request's latency over a soak, for the run's percentiles. The soak measures the heap,
 * so its own record of hundreds of thousands of requests is kept in typed arrays outside it
 * (8 bytes each): in a plain array it grew the heap by 8 bytes a request, which the heap's
 * trend would have counted against the services.
 */
export class LatencyLog {
  private readonly chunks: Float64Array[] = [];
  private used = CHUNK;

  push(ms: number): void {
    if (this.used === CHUNK) {
      this.chunks.push(new Float64Array(CHUNK));
      this.used = 0;
    }
    this.chunks.at(-1)![this.used++] = ms;
  }

  get length(): number {
    return this.chunks.length === 0 ? 0 : (this.chunks.length - 1) * CHUNK + this.used;
  }

  /** All of them, ascending. */
  sorted(): Float64Array {
    const all = new Float64Array(this.length);
    this.chunks.forEach((chunk, i) => all.set(i === this.chunks.length - 1 ? chunk.subarray(0, this.used) : chunk, i * CHUNK));
    return all.sort();
  }
}
