/** Time is a parameter: everything that needs "now" gets a Clock, so tests can stand at
 *  the exact switch-on instant. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stays where it is put; for tests and for replaying demo history. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date | string) {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(instant: Date | string): void {
    this.current = new Date(instant).getTime();
  }
  advance(milliseconds: number): void {
    this.current += milliseconds;
  }
}
