import { decodeJwt, jwtVerify, type FlattenedJWSInput, type JWSHeaderParameters, type JWTPayload } from 'jose';
import type { Viewer } from '../../platform/viewer';
import { MAX_TOKEN_LIFETIME_SECONDS } from '../config';
import { VerifiedTokens } from '../verified-tokens';
import { viewerForIssuer } from './claim-mapping';
import type { IssuerConfig, JwtConfig } from './issuers';
import { JWKS_TIMING, keySetFor, type KeyResolver, type KeySetTiming } from './key-sets';

export type VerifyToken = (authorization: string | undefined) => Promise<Viewer | null>;

/** What the issuers sign with: NHS login RS512, CIS2 RS256, the development provider ES256. */
const ALGORITHMS = ['ES256', 'ES384', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'];

/**
 * A token must say when it expires, and not live longer than the limit: counted from its `iat`,
 * or from now when it has none (so a token that would outlive the limit is never accepted).
 */
export function lifetimeAcceptable(payload: JWTPayload, maxLifetimeSeconds: number, nowSeconds: number): boolean {
  if (typeof payload.exp !== 'number') return false;
  const issued = typeof payload.iat === 'number' ? payload.iat : nowSeconds;
  return payload.exp - issued <= maxLifetimeSeconds && payload.exp - nowSeconds <= maxLifetimeSeconds;
}

/** The `iss` a token says, before anything about it is trusted: it only picks whose keys and rules judge it. */
function claimedIssuer(jwt: string): string | undefined {
  try {
    const { iss } = decodeJwt(jwt);
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies `Authorization: Bearer <JWT>` against the issuer its `iss` names, if the gateway
 * trusts it: that issuer's keys alone, its issuer string and audiences, expiry (required) and
 * lifetime within the limit, then its claim mapping. Anything else is refused (null). A token
 * verified once is remembered against its issuer's key set (verified-tokens.ts), so a client's
 * next requests skip the signature check while the key that verified it still holds.
 */
export async function createTokenVerifier(
  config: JwtConfig,
  options: { timing?: KeySetTiming; cache?: VerifiedTokens } = {},
): Promise<VerifyToken> {
  const timing = options.timing ?? JWKS_TIMING;
  const trusted = new Map<string, { issuer: IssuerConfig; keys: KeyResolver }>();
  for (const issuer of config.issuers) {
    if (trusted.has(issuer.issuer)) throw new Error(`two issuers are configured as ${issuer.issuer}`);
    trusted.set(issuer.issuer, { issuer, keys: await keySetFor(issuer, timing) });
  }
  const verified = options.cache ?? new VerifiedTokens();
  const maxLifetimeSeconds = config.maxLifetimeSeconds ?? MAX_TOKEN_LIFETIME_SECONDS;
  // jose reads the real clock (Date), so the cache does too: both judge a token's times alike.
  const now = () => Date.now();
  return async (authorization) => {
    const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(authorization ?? '');
    const jwt = match?.[1];
    if (!jwt) return null;
    const iss = claimedIssuer(jwt);
    const judge = iss === undefined ? undefined : trusted.get(iss);
    if (!judge) return null;
    const remembered = await verified.lookup(jwt, judge.keys, now());
    if (remembered) return remembered;
    try {
      let key: unknown;
      const { payload, protectedHeader } = await jwtVerify(
        jwt,
        async (header: JWSHeaderParameters, token: FlattenedJWSInput) => (key = await judge.keys(header, token)) as CryptoKey,
        {
          issuer: judge.issuer.issuer,
          audience: judge.issuer.audiences,
          algorithms: ALGORITHMS,
          clockTolerance: 30,
          requiredClaims: ['exp', 'sub'],
        },
      );
      if (!lifetimeAcceptable(payload, maxLifetimeSeconds, Math.floor(now() / 1000))) return null;
      const viewer = viewerForIssuer(judge.issuer, payload);
      if (viewer) verified.remember(jwt, { viewer, key, protectedHeader, exp: payload.exp, nbf: payload.nbf }, now());
      return viewer;
    } catch {
      return null;
    }
  };
}
