import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Subgraphs accept requests from the gateway only. The gateway signs each request with a
 * per-deployment secret: an HMAC over a timestamp, the forwarded identity and the exact
 * body bytes. A subgraph refuses (HTTP 401) a request whose signature is wrong, so a forged
 * `_entities` call (say, with an invented access period) gets nothing; and one whose authentic
 * timestamp is too far from its clock (clock-skew.ts: at most a minute), so a captured request
 * cannot be replayed later.
 */
export const SIGNATURE_HEADER = 'x-citizen-access-signature';
export const TIMESTAMP_HEADER = 'x-citizen-access-timestamp';
export const VIEWER_HEADER = 'x-citizen-access-viewer';
/** The widest replay window: clock-skew.ts judges each timestamp, within a limit capped by this. */
export const MAX_REQUEST_AGE_MS = 60_000;

export interface SignedParts {
  timestamp: string;
  viewer: string;
  body: string;
}

/**
 * The headers of a signed subgraph request: who (`viewer`, as sent), when (`at`), and the HMAC
 * over both and the exact body. The one place every caller (gateway, subgraph, bench, tests) signs.
 */
export function signedHeaders(
  secret: string,
  parts: { viewer: string; body: string; at: Date | number },
): Record<string, string> {
  const timestamp = String(typeof parts.at === 'number' ? parts.at : parts.at.getTime());
  return {
    [VIEWER_HEADER]: parts.viewer,
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: signRequest(secret, { timestamp, viewer: parts.viewer, body: parts.body }),
  };
}

export function signRequest(secret: string, parts: SignedParts): string {
  return createHmac('sha256', secret).update(`v1\n${parts.timestamp}\n${parts.viewer}\n`).update(parts.body).digest('base64url');
}

/** An authentic request, and `now` minus its signed timestamp (positive: this clock is ahead); clock-skew.ts judges it. */
export type Verification =
  { ok: true; skewMs: number } | { ok: false; reason: 'unsigned request' | 'malformed timestamp' | 'bad signature' };

/**
 * The signature is checked before the timestamp is looked at: an authentic request that is far
 * off is then a measurement of clock skew, of known size, rather than a vague "stale request"
 * (a replayed capture cannot be told from skew, and is refused as such).
 */
export function verifyRequest(
  secret: string,
  parts: { timestamp: string | undefined; viewer: string | undefined; signature: string | undefined; body: string },
  now: Date,
): Verification {
  const { timestamp, viewer, signature, body } = parts;
  if (!timestamp || !viewer || !signature) return { ok: false, reason: 'unsigned request' };
  if (!/^\d{1,15}$/.test(timestamp)) return { ok: false, reason: 'malformed timestamp' };
  const expected = Buffer.from(signRequest(secret, { timestamp, viewer, body }));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad signature' };
  }
  return { ok: true, skewMs: now.getTime() - Number(timestamp) };
}

/**
 * The gateway's /readyz probe of a subgraph carries a signed timestamp too, so a subgraph can
 * measure its clock before any request arrives. It signs this fixed word as the viewer and an
 * empty body: no GraphQL request accepts it, so a captured probe opens nothing.
 */
export const PROBE_VIEWER = 'readiness-probe';

export const probeHeaders = (secret: string, now: Date): Record<string, string> =>
  signedHeaders(secret, { viewer: PROBE_VIEWER, body: '', at: now });
