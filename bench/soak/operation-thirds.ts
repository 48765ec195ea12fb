import { percentile } from '../results';
import { LatencyLog } from './latency-log';

/** One operation's requests and latencies in the run's first third and its last. */
export interface OperationThird {
  name: string;
  first: { requests: number; p50: number; p99: number };
  last: { requests: number; p50: number; p99: number };
}

/**
 * Each operation's latencies in the first third of a soak and in the last, so a run that slows
 * down shows which operation slowed: the services' growing state (memory, caches) slows every
 * operation, the data the soak itself writes slows the operations that read it.
 */
export class OperationThirds {
  private readonly logs = new Map<string, { first: LatencyLog; last: LatencyLog }>();

  constructor(
    private readonly startedMs: number,
    private readonly seconds: number,
  ) {}

  /** A request of `name` sent at `sentMs` (performance.now()) that took `ms`. */
  push(name: string, sentMs: number, ms: number): void {
    const third = Math.floor(((sentMs - this.startedMs) / (this.seconds * 1000)) * 3);
    if (third !== 0 && third !== 2) return;
    let logs = this.logs.get(name);
    if (!logs) this.logs.set(name, (logs = { first: new LatencyLog(), last: new LatencyLog() }));
    (third === 0 ? logs.first : logs.last).push(ms);
  }

  /** Every operation seen, in the order first seen. */
  table(): OperationThird[] {
    const figures = (log: LatencyLog) => {
      const sorted = log.sorted();
      return sorted.length
        ? { requests: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) }
        : { requests: 0, p50: 0, p99: 0 };
    };
    return [...this.logs].map(([name, logs]) => ({ name, first: figures(logs.first), last: figures(logs.last) }));
  }
}
