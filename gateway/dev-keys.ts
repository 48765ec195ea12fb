import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import { DEV_AUDIENCE, devIssuerName } from './identity/dev-issuers';
import { ISSUER_NAMES, type IssuerName } from './identity/issuers';

/**
 * Local development signing keys (ES256), one per development issuer (NHS login, CIS2, staff),
 * generated on first use under the git-ignored data/ folder and never committed. The local
 * identity provider publishes the public keys in each issuer's JWKS; `npm run token` and the
 * tests sign with the private ones. Production trusts the real issuers' JWKS instead.
 */
export interface DevKeys {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}
export type DevKeySet = Record<IssuerName, DevKeys>;

async function createKeys(name: IssuerName): Promise<DevKeys> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `${name}-${Date.now().toString(36)}`;
  return {
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
  };
}

function complete(value: unknown): value is DevKeySet {
  return typeof value === 'object' && value !== null && ISSUER_NAMES.every((name) => name in value);
}

export async function loadOrCreateDevKeys(path: string): Promise<DevKeySet> {
  if (existsSync(path)) {
    const existing: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (complete(existing)) return existing;
  }
  // None yet, or one key of the single-issuer days: make one per issuer.
  const keys = {} as DevKeySet;
  for (const name of ISSUER_NAMES) keys[name] = await createKeys(name);
  mkdirSync(dirname(path), { recursive: true });
  // Write then rename, so two services starting together never read half a file; the first one wins.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(keys, null, 2), { mode: 0o600 });
  const current: unknown = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
  if (!complete(current)) renameSync(temporary, path);
  const written: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!complete(written)) throw new Error(`development keys at ${path} are not readable`);
  return written;
}

/** Claims in one issuer's shape (token-claims.ts): `iss` names the development issuer that signs them. */
export interface TokenClaims extends JWTPayload {
  iss: string;
  sub: string;
}

/**
 * Signs claims with the key of the development issuer their `iss` names (or of `signAs`, to
 * forge a token with another issuer's key); `issuer` and `audience` override the claims'.
 */
export async function signDevToken(
  keysPath: string,
  claims: TokenClaims,
  options: { expiresIn?: string; issuer?: string; audience?: string; signAs?: IssuerName } = {},
): Promise<string> {
  const name = options.signAs ?? devIssuerName(claims.iss);
  if (!name) throw new Error(`no development issuer is called ${claims.iss}`);
  const keys = (await loadOrCreateDevKeys(keysPath))[name];
  const key = await importJWK(keys.privateJwk, 'ES256');
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: keys.kid, typ: 'JWT' })
    .setIssuer(options.issuer ?? claims.iss)
    .setAudience(options.audience ?? (typeof claims.aud === 'string' ? claims.aud : DEV_AUDIENCE))
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h')
    .sign(key);
}
