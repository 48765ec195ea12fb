import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Subgraphs accept requests from the gateway only. The gateway signs each request with a
 * per-deployment secret: an HMAC over a timestamp, a random nonce, the target (the subgraph's
 * name and the request's path), the forwarded identity and a SHA-256 digest of the exact body
 * bytes. Everything signed travels in headers, so a subgraph checks the signature before it reads
 * a byte of the body, then reads the body within its cap and compares its digest. A request whose
 * signature is wrong is refused (HTTP 401), so a forged `_entities` call gets nothing; one meant
 * for another subgraph or path too; one whose authentic timestamp is too far from the subgraph's
 * clock (clock-skew.ts: at most a minute) is refused as skew; and each signature is accepted once
 * (replay-guard.ts), so a captured request cannot be sent again.
 */
export const SIGNATURE_HEADER = 'x-citizen-access-signature';
export const TIMESTAMP_HEADER = 'x-citizen-access-timestamp';
export const VIEWER_HEADER = 'x-citizen-access-viewer';
export const NONCE_HEADER = 'x-citizen-access-nonce';
export const BODY_DIGEST_HEADER = 'x-citizen-access-body-sha256';
/** The widest replay window: clock-skew.ts judges each timestamp, within a limit capped by this. */
export const MAX_REQUEST_AGE_MS = 60_000;

/** Where a signed request is meant to go: the subgraph's name (as in the supergraph) and the URL's path. */
export interface SignatureTarget {
  audience: string;
  path: string;
}

/** The target of a request to `url` on the subgraph called `audience`. */
export const targetOf = (audience: string, url: string): SignatureTarget => ({ audience, path: new URL(url).pathname });

export const bodyDigest = (body: string): string => createHash('sha256').update(body).digest('base64url');

interface SignedParts extends SignatureTarget {
  timestamp: string;
  nonce: string;
  viewer: string;
  digest: string;
}

const NONCE_BYTES = 16;
/** Random bytes drawn from the CSPRNG at once, enough for 256 nonces. */
const NONCE_POOL_BYTES = 4096;
let noncePool = Buffer.alloc(0);
let nonceOffset = 0;

/**
 * 16 fresh random bytes, base64url: drawn from the CSPRNG a pool at a time (as Node's randomUUID
 * does), since one `randomBytes` call per subgraph call was 2.7% of the gateway's CPU. No byte is
 * handed out twice.
 */
export function freshNonce(): string {
  if (nonceOffset + NONCE_BYTES > noncePool.length) {
    noncePool = randomBytes(NONCE_POOL_BYTES);
    nonceOffset = 0;
  }
  const nonce = noncePool.toString('base64url', nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return nonce;
}

function signParts(secret: string, parts: SignedParts): string {
  const { timestamp, nonce, audience, path, viewer, digest } = parts;
  return createHmac('sha256', secret)
    .update(`v2\n${timestamp}\n${nonce}\n${audience}\n${path}\n${viewer}\n${digest}`)
    .digest('base64url');
}

/**
 * The headers of a signed subgraph request: who (`viewer`, as sent), when (`at`), a fresh nonce,
 * the body's digest, and the HMAC over them and the target. The one place every caller (gateway,
 * rollout's directory client, bench, tests) signs.
 */
export function signedHeaders(
  secret: string,
  parts: SignatureTarget & { viewer: string; body: string; at: Date | number },
): Record<string, string> {
  const timestamp = String(typeof parts.at === 'number' ? parts.at : parts.at.getTime());
  const nonce = freshNonce();
  const digest = bodyDigest(parts.body);
  return {
    [VIEWER_HEADER]: parts.viewer,
    [TIMESTAMP_HEADER]: timestamp,
    [NONCE_HEADER]: nonce,
    [BODY_DIGEST_HEADER]: digest,
    [SIGNATURE_HEADER]: signParts(secret, {
      timestamp,
      nonce,
      audience: parts.audience,
      path: parts.path,
      viewer: parts.viewer,
      digest,
    }),
  };
}

/** The signed headers as received (any may be missing). */
export interface ReceivedSignature {
  timestamp: string | undefined;
  nonce: string | undefined;
  viewer: string | undefined;
  digest: string | undefined;
  signature: string | undefined;
}

/** An authentic set of headers, and `now` minus its signed timestamp (positive: this clock is ahead); clock-skew.ts judges it. */
export type Verification =
  | { ok: true; skewMs: number; signature: string; digest: string }
  | { ok: false; reason: 'unsigned request' | 'malformed signature headers' | 'bad signature' };

const BASE64URL_SHA256 = /^[A-Za-z0-9_-]{43}$/;
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
/** A viewer header is a small base64url JSON object; anything longer is not ours. */
const MAX_VIEWER_CHARS = 4096;

/**
 * Checks the signed headers alone: no body is needed, so nothing is read for a request that
 * fails here. The signature is checked before the timestamp is looked at: an authentic request
 * that is far off is then a measurement of clock skew, of known size, rather than a vague "stale
 * request" (a replayed capture cannot be told from skew, and is refused as such). The body must
 * then match `digest` (bodyMatches).
 */
export function verifyHeaders(secret: string, target: SignatureTarget, received: ReceivedSignature, now: Date): Verification {
  const { timestamp, nonce, viewer, digest, signature } = received;
  if (!timestamp || !nonce || !viewer || !digest || !signature) return { ok: false, reason: 'unsigned request' };
  const wellFormed =
    /^\d{1,15}$/.test(timestamp) &&
    NONCE.test(nonce) &&
    BASE64URL_SHA256.test(digest) &&
    BASE64URL_SHA256.test(signature) &&
    viewer.length <= MAX_VIEWER_CHARS;
  if (!wellFormed) return { ok: false, reason: 'malformed signature headers' };
  const expected = Buffer.from(signParts(secret, { timestamp, nonce, viewer, digest, ...target }));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad signature' };
  return { ok: true, skewMs: now.getTime() - Number(timestamp), signature, digest };
}

/** Whether the body read is the one signed. */
export function bodyMatches(digest: string, body: string): boolean {
  const actual = Buffer.from(bodyDigest(body));
  const given = Buffer.from(digest);
  return actual.length === given.length && timingSafeEqual(actual, given);
}

/**
 * The gateway's /readyz probe of a subgraph carries a signed timestamp too, so a subgraph can
 * measure its clock before any request arrives. It signs this fixed word as the viewer, an
 * empty body and the path /readyz: no GraphQL request accepts it, so a captured probe opens nothing.
 */
export const PROBE_VIEWER = 'readiness-probe';
export const PROBE_PATH = '/readyz';

export const probeHeaders = (secret: string, audience: string, now: Date): Record<string, string> =>
  signedHeaders(secret, { audience, path: PROBE_PATH, viewer: PROBE_VIEWER, body: '', at: now });
