import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Subgraphs accept requests from the gateway only. The gateway signs each request with a
 * per-deployment secret: an HMAC over a timestamp, the forwarded identity and the exact
 * body bytes. A subgraph refuses (HTTP 401) a request whose signature is wrong or whose
 * timestamp is more than a minute away from its clock, so a captured request cannot be
 * replayed later and a forged `_entities` call (say, with an invented access period) gets
 * nothing.
 */
export const SIGNATURE_HEADER = 'x-citizen-access-signature';
export const TIMESTAMP_HEADER = 'x-citizen-access-timestamp';
export const VIEWER_HEADER = 'x-citizen-access-viewer';
export const MAX_REQUEST_AGE_MS = 60_000;

export interface SignedParts {
  timestamp: string;
  viewer: string;
  body: string;
}

export function signRequest(secret: string, parts: SignedParts): string {
  return createHmac('sha256', secret).update(`v1\n${parts.timestamp}\n${parts.viewer}\n`).update(parts.body).digest('base64url');
}

export type Verification = { ok: true } | { ok: false; reason: string };

export function verifyRequest(
  secret: string,
  parts: { timestamp: string | undefined; viewer: string | undefined; signature: string | undefined; body: string },
  now: Date,
): Verification {
  const { timestamp, viewer, signature, body } = parts;
  if (!timestamp || !viewer || !signature) return { ok: false, reason: 'unsigned request' };
  if (!/^\d{1,15}$/.test(timestamp)) return { ok: false, reason: 'malformed timestamp' };
  if (Math.abs(now.getTime() - Number(timestamp)) > MAX_REQUEST_AGE_MS) return { ok: false, reason: 'stale request' };
  const expected = Buffer.from(signRequest(secret, { timestamp, viewer, body }));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad signature' };
  }
  return { ok: true };
}
