import { MAX_REQUEST_AGE_MS } from '../../platform/request-signature';

/**
 * The signatures this instance has accepted, each kept until its timestamp could no longer pass
 * the clock check (MAX_REQUEST_AGE_MS, the widest window any signer gets): a signature seen again
 * meanwhile is a replay. Only authentic signatures are added, so its size follows the gateway's
 * own request rate. Kept per instance (decision 0040).
 */
export class ReplayGuard {
  /** Signature -> when it stops mattering (this clock, ms); in insertion order, roughly by time. */
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs = MAX_REQUEST_AGE_MS) {}

  /** True the first time an authentic signature (timestamp `signedAtMs`) is offered, false on any replay. */
  firstUse(signature: string, signedAtMs: number, nowMs: number): boolean {
    this.forgetExpired(nowMs);
    if (this.seen.has(signature)) return false;
    // A timestamp from the future stays acceptable until it is a window old; one from the past, less.
    this.seen.set(signature, Math.max(signedAtMs, nowMs) + this.windowMs);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private forgetExpired(nowMs: number): void {
    for (const [signature, until] of this.seen) {
      if (until > nowMs) return;
      this.seen.delete(signature);
    }
  }
}
