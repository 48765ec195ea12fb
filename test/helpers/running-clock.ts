import { ManualClock } from '../../platform/clock';

/**
 * A manual clock that also runs: from where it is put, it moves on with real time, as a
 * deployment's clock does. For a soak in one process: on a clock that stands still, nothing a
 * service keeps "for a minute" (the replay guard's signatures) is ever let go, and the heap
 * grows with every request as it never would in production. `set` and `advance` still work.
 */
export class RunningClock extends ManualClock {
  private since = performance.now();

  override now(): Date {
    return new Date(super.now().getTime() + Math.floor(performance.now() - this.since));
  }

  override set(instant: Date | string): void {
    super.set(instant);
    this.since = performance.now();
  }
}
