/** A share's bounds: operations at once, operations waiting, and how long one may wait. */
export interface BulkheadLimit {
  concurrent: number;
  queued: number;
  waitMs: number;
}

/** The share is full (its queue too) or a wait ran out: the caller answers OVERLOADED. */
export class BulkheadFull extends Error {
  constructor() {
    super('Too many operations of this kind at once');
    this.name = 'BulkheadFull';
  }
}

/**
 * A bounded number of operations at once, and a bounded queue behind them, first come first
 * served. `admit` resolves with the release to call when the operation is done, or rejects at
 * once when the queue is full, or when the wait passes `waitMs`.
 */
export class Bulkhead {
  private active = 0;
  private readonly waiting: { admit: () => void; timer: NodeJS.Timeout }[] = [];

  constructor(private readonly limit: BulkheadLimit) {}

  get inUse(): number {
    return this.active;
  }
  get queued(): number {
    return this.waiting.length;
  }

  admit(): Promise<() => void> {
    if (this.active < this.limit.concurrent) {
      this.active += 1;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.limit.queued) return Promise.reject(new BulkheadFull());
    return new Promise((resolve, reject) => {
      const entry = {
        admit: () => {
          clearTimeout(entry.timer);
          resolve(this.releaser());
        },
        timer: setTimeout(() => {
          const at = this.waiting.indexOf(entry);
          if (at >= 0) this.waiting.splice(at, 1);
          reject(new BulkheadFull());
        }, this.limit.waitMs),
      };
      this.waiting.push(entry);
    });
  }

  /** Released once: the slot passes to the next in the queue, or frees. */
  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next.admit();
      else this.active -= 1;
    };
  }
}
