import {
  createLocalJWKSet,
  createRemoteJWKSet,
  jwtVerify,
  type FlattenedJWSInput,
  type JWSHeaderParameters,
  type JWTPayload,
} from 'jose';
import { viewerSchema, type Viewer } from '../platform/viewer';
import { MAX_TOKEN_LIFETIME_SECONDS, type JwtConfig } from './config';
import { loadOrCreateDevKeys } from './dev-keys';
import { VerifiedTokens } from './verified-tokens';

export type VerifyToken = (authorization: string | undefined) => Promise<Viewer | null>;

/** Maps verified claims to the viewer the subgraphs understand; null if they do not fit a role. */
export function viewerFromClaims(payload: JWTPayload): Viewer | null {
  const claims = payload as Record<string, unknown>;
  const candidate = {
    role: claims.role,
    subject: payload.sub,
    nhsNumber: claims.nhs_number,
    identityLevel: claims.identity_proofing_level,
    odsCode: claims.ods_code,
    supplier: claims.supplier,
    clientId: claims.client_id,
    scopes: typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [],
  };
  // A token can never claim the internal service role.
  if (candidate.role === 'service') return null;
  const parsed = viewerSchema.safeParse(candidate);
  return parsed.success ? parsed.data : null;
}

/** How long jose keeps a remote JWKS, and how soon an unknown key id may make it fetch again. */
export interface KeySetTiming {
  cacheMaxAgeMs: number;
  cooldownMs: number;
}

const JWKS_TIMING: KeySetTiming = { cacheMaxAgeMs: 600_000, cooldownMs: 30_000 };

/**
 * A token must say when it expires, and not live longer than the limit: counted from its `iat`,
 * or from now when it has none (so a token that would outlive the limit is never accepted).
 */
export function lifetimeAcceptable(payload: JWTPayload, maxLifetimeSeconds: number, nowSeconds: number): boolean {
  if (typeof payload.exp !== 'number') return false;
  const issued = typeof payload.iat === 'number' ? payload.iat : nowSeconds;
  return payload.exp - issued <= maxLifetimeSeconds && payload.exp - nowSeconds <= maxLifetimeSeconds;
}

/**
 * Verifies `Authorization: Bearer <JWT>` (signature, issuer, audience, expiry, which it must
 * have, and lifetime within the limit). A token
 * verified once is remembered while it and the key that signed it still hold
 * (verified-tokens.ts), so a client's next requests skip the signature check.
 */
export async function createTokenVerifier(
  config: JwtConfig,
  options: { timing?: KeySetTiming; cache?: VerifiedTokens } = {},
): Promise<VerifyToken> {
  const timing = options.timing ?? JWKS_TIMING;
  const keySet =
    config.kind === 'jwks'
      ? createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: timing.cooldownMs, cacheMaxAge: timing.cacheMaxAgeMs })
      : createLocalJWKSet({ keys: [(await loadOrCreateDevKeys(config.keysPath)).publicJwk] });
  const verified = options.cache ?? new VerifiedTokens();
  const maxLifetimeSeconds = config.maxLifetimeSeconds ?? MAX_TOKEN_LIFETIME_SECONDS;
  // jose reads the real clock (Date), so the cache does too: both judge a token's times alike.
  const now = () => Date.now();
  return async (authorization) => {
    const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(authorization ?? '');
    const jwt = match?.[1];
    if (!jwt) return null;
    const remembered = await verified.lookup(jwt, keySet, now());
    if (remembered) return remembered;
    try {
      let key: unknown;
      const { payload, protectedHeader } = await jwtVerify(
        jwt,
        async (header: JWSHeaderParameters, token: FlattenedJWSInput) => (key = await keySet(header, token)),
        {
          issuer: config.issuer,
          audience: config.audience,
          algorithms: ['ES256', 'RS256', 'PS256', 'EdDSA'],
          clockTolerance: 30,
          requiredClaims: ['exp'],
        },
      );
      if (!lifetimeAcceptable(payload, maxLifetimeSeconds, Math.floor(now() / 1000))) return null;
      const viewer = viewerFromClaims(payload);
      if (viewer) verified.remember(jwt, { viewer, key, protectedHeader, exp: payload.exp, nbf: payload.nbf }, now());
      return viewer;
    } catch {
      return null;
    }
  };
}
