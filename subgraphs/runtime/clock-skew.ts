import { MAX_REQUEST_AGE_MS } from '../../platform/request-signature';

/**
 * How far a subgraph's clock may be from the gateway's before it stops serving. Access
 * periods (rollout's clock) and entries (records' clock) are compared across two clocks; the
 * records rule hides an entry within a boundary tolerance of at least twice this limit, so two
 * subgraphs each within the limit of the gateway are within that tolerance of each other.
 */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 30_000;

/**
 * The limit is also the replay window of the gateway's signed requests, and twice it that of
 * one subgraph's call to another (each clock within the limit of the gateway's): capped so that
 * window never exceeds MAX_REQUEST_AGE_MS, the one-minute replay window the signature promises.
 */
export const MAX_CLOCK_SKEW_LIMIT_MS = MAX_REQUEST_AGE_MS / 2;

/** Who signed a request: the gateway (the reference clock) or another subgraph (`service` viewers). */
export type Signer = 'gateway' | 'subgraph';

/**
 * The largest skew a signer's request may carry. A skew is this service's clock minus the signed
 * timestamp (positive: ahead, time in flight included); a limit exactly reached is still within it.
 */
export const allowedSkewMs = (signer: Signer, limitMs: number): number => (signer === 'gateway' ? limitMs : 2 * limitMs);

export const withinLimit = (skewMs: number, limitMs: number): boolean => Math.abs(skewMs) <= limitMs;

/** What /readyz says of the clock: `skewMs` is the last measurement against the gateway, null before the first. */
export interface ClockStatus {
  ok: boolean;
  skewMs: number | null;
  limitMs: number;
  reason?: string;
}

export function describeSkew(skewMs: number, limitMs: number, against = "the gateway's"): string {
  const direction = skewMs > 0 ? 'ahead of' : 'behind';
  return `clock skew: this service's clock is ${Math.abs(skewMs)} ms ${direction} ${against}, beyond the ${limitMs} ms limit`;
}

/**
 * The clock check of one subgraph: every authentic request is a measurement, judged on its own
 * (a request within the limit is served, one beyond it refused). Measurements against the
 * gateway also set the service's state, which /readyz reports and whose changes are logged;
 * the last one wins, so the service recovers with the first measurement back within the limit.
 *
 * Before any measurement the service counts as ready: /readyz probes from an orchestrator are not
 * signed, so waiting for one would keep a cold start unready for ever. Nothing is served unchecked
 * meanwhile (each request is judged on arrival), and the gateway's own readiness probe is signed,
 * so the first time the gateway asks whether this service is ready, it is measured.
 *
 * The last measurement wins: a replayed capture, or one gateway on a machine whose clock is off,
 * makes the service unready until the next good one (the next request or gateway probe).
 */
export class ClockCheck {
  private lastSkewMs: number | null = null;
  /** The last verdict per signer, so each change (not each request) is reported once. */
  private readonly verdicts = new Map<string, boolean>();

  constructor(readonly limitMs: number = DEFAULT_MAX_CLOCK_SKEW_MS) {}

  /**
   * Judges one authentic request's skew. `ok`: it may be served; `changed`: the verdict for this
   * signer (`who`, e.g. the calling subgraph's name) differs from its last one, worth one log line.
   */
  admit(skewMs: number, signer: Signer, who: string = signer): { ok: boolean; changed: boolean; allowedMs: number } {
    const allowedMs = allowedSkewMs(signer, this.limitMs);
    const ok = withinLimit(skewMs, allowedMs);
    if (signer === 'gateway') this.lastSkewMs = skewMs;
    const before = this.verdicts.get(who) ?? true;
    this.verdicts.set(who, ok);
    return { ok, changed: before !== ok, allowedMs };
  }

  status(): ClockStatus {
    const { lastSkewMs: skewMs, limitMs } = this;
    if (skewMs === null || withinLimit(skewMs, limitMs)) return { ok: true, skewMs, limitMs };
    return { ok: false, skewMs, limitMs, reason: describeSkew(skewMs, limitMs) };
  }
}
