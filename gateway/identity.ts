import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { viewerSchema, type Viewer } from '../subgraphs/common/viewer';
import type { JwtConfig } from './config';
import { loadOrCreateDevKeys } from './dev-keys';

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

/** Verifies `Authorization: Bearer <JWT>` (signature, issuer, audience, expiry). */
export async function createTokenVerifier(config: JwtConfig): Promise<VerifyToken> {
  const keySet =
    config.kind === 'jwks'
      ? createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000 })
      : createLocalJWKSet({ keys: [(await loadOrCreateDevKeys(config.keysPath)).publicJwk] });
  return async (authorization) => {
    const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(authorization ?? '');
    if (!match?.[1]) return null;
    try {
      const { payload } = await jwtVerify(match[1], keySet, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: ['ES256', 'RS256', 'PS256', 'EdDSA'],
        clockTolerance: 30,
      });
      return viewerFromClaims(payload);
    } catch {
      return null;
    }
  };
}
