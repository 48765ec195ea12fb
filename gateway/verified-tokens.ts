import type { FlattenedJWSInput, JWSHeaderParameters } from 'jose';
import type { Viewer } from '../platform/viewer';

/** What verifying a token's signature against the trusted keys gives: the key that verified it. */
export type KeyResolver = (protectedHeader: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<unknown>;

interface Entry {
  viewer: Viewer;
  /** The key (as the key set resolved it) that verified the signature. */
  key: unknown;
  protectedHeader: JWSHeaderParameters;
  token: FlattenedJWSInput;
  /** exp, in ms; only tokens that have one are remembered. */
  expiresAtMs: number;
  /** nbf, in ms (0 without one). */
  notBeforeMs: number;
  /** Re-verified in full after this, whatever its expiry. */
  recheckAtMs: number;
}

/**
 * Tokens the gateway has verified, remembered so that a client's next requests skip the
 * signature check (ECDSA/RSA, most of a request's cost after the subgraph calls). Keyed by the
 * whole token, so any other token, one byte changed, is verified in full. A remembered token is
 * accepted only while all of these hold, else it is verified again from scratch (and refused if
 * it no longer passes):
 *
 * - it has not expired (its `exp`, without the clock tolerance a fresh check allows: stricter),
 *   and its `nbf`, if any, has passed; a token without `exp` is never remembered;
 * - the key set still resolves its header to the very key that verified it. Asking the key set
 *   is also what refreshes a remote JWKS on its own schedule, so a key the identity provider
 *   withdraws stops working exactly when it would without this cache: once the gateway reloads
 *   the JWKS (at most `cacheMaxAge` after the last load, or at once on an unknown key id after
 *   the cooldown), every key is imported anew, no remembered key matches, and each token is
 *   verified again against the new set;
 * - it was verified less than `maxAgeMs` ago (a minute by default).
 *
 * Only successes are remembered (at most `maxEntries`, oldest first out), never refusals: a
 * flood of bad tokens costs what it always did, and cannot push anything in.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly maxAgeMs = 60_000,
  ) {}

  /** The viewer of a remembered token that still holds, else null (verify it in full). */
  async lookup(jwt: string, keys: KeyResolver, nowMs: number): Promise<Viewer | null> {
    const entry = this.entries.get(jwt);
    if (!entry) return null;
    if (nowMs >= entry.expiresAtMs || nowMs < entry.notBeforeMs || nowMs >= entry.recheckAtMs) {
      this.entries.delete(jwt);
      return null;
    }
    let current: unknown;
    try {
      current = await keys(entry.protectedHeader, entry.token);
    } catch {
      current = undefined;
    }
    if (current !== entry.key) {
      this.entries.delete(jwt);
      return null;
    }
    return entry.viewer;
  }

  /** Remembers a token just verified in full (signature, issuer, audience, times) by `key`. */
  remember(
    jwt: string,
    verified: { viewer: Viewer; key: unknown; protectedHeader: JWSHeaderParameters; exp?: number; nbf?: number },
    nowMs: number,
  ): void {
    if (typeof verified.exp !== 'number' || verified.key === undefined) return;
    const [protectedPart = '', payload = '', signature = ''] = jwt.split('.');
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(jwt, {
      viewer: deepFreeze(verified.viewer),
      key: verified.key,
      protectedHeader: verified.protectedHeader,
      token: { protected: protectedPart, payload, signature },
      expiresAtMs: verified.exp * 1000,
      notBeforeMs: typeof verified.nbf === 'number' ? verified.nbf * 1000 : 0,
      recheckAtMs: nowMs + this.maxAgeMs,
    });
  }

  get size(): number {
    return this.entries.size;
  }
}

/** One viewer object now serves many requests: nothing may change it. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
