/** When a subgraph is taken to be down, and for how long calls to it fail fast. */
export interface BreakerPolicy {
  /** Consecutive failed calls that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit fails calls at once before one trial call may go out. */
  openMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * A circuit breaker for one subgraph: after `failureThreshold` consecutive failures (no
 * answer, a timeout, or a 5xx) calls fail at once for `openMs`, sparing a dead subgraph and
 * the gateway's threads; then one trial call goes out (half-open): success closes the
 * circuit, failure opens it again. Time comes from the caller, so tests stand still.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private trialOut = false;

  constructor(
    private readonly policy: BreakerPolicy,
    private readonly now: () => number,
  ) {}

  get state(): BreakerState {
    if (this.openedAt === null) return 'closed';
    return this.now() - this.openedAt < this.policy.openMs ? 'open' : 'half-open';
  }

  /** How long until an open circuit lets a trial call out (0 unless open): a refused client's wait. */
  get reopensInMs(): number {
    return this.openedAt === null ? 0 : Math.max(0, this.policy.openMs - (this.now() - this.openedAt));
  }

  /** Whether a call may go out now; in half-open, only one at a time. */
  permit(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.trialOut) return false;
    this.trialOut = true;
    return true;
  }

  succeeded(): void {
    this.failures = 0;
    this.openedAt = null;
    this.trialOut = false;
  }

  failed(): void {
    this.failures += 1;
    const trialFailed = this.trialOut;
    this.trialOut = false;
    if (trialFailed || this.failures >= this.policy.failureThreshold) this.openedAt = this.now();
  }
}
