import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import { DEV_AUDIENCE, DEV_ISSUER } from './config';

/**
 * Local development signing keys (ES256), generated on first start under the git-ignored
 * data/ folder and never committed. The gateway trusts the public key; `npm run token`
 * signs with the private one. Production uses an identity provider's JWKS instead.
 */
interface DevKeys {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

export async function loadOrCreateDevKeys(path: string): Promise<DevKeys> {
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as DevKeys;
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `dev-${Date.now().toString(36)}`;
  const keys: DevKeys = {
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
  };
  mkdirSync(dirname(path), { recursive: true });
  // Write then rename, so two services starting together never read half a file.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(keys, null, 2), { mode: 0o600 });
  if (!existsSync(path)) renameSync(temporary, path);
  return JSON.parse(readFileSync(path, 'utf8')) as DevKeys;
}

/** Claims as NHS login names them where it has a name (nhs_number, identity_proofing_level). */
export interface TokenClaims extends JWTPayload {
  sub: string;
  role: string;
  nhs_number?: string;
  identity_proofing_level?: string;
  ods_code?: string;
  supplier?: string;
  client_id?: string;
  scope?: string;
}

export async function signDevToken(
  keysPath: string,
  claims: TokenClaims,
  options: { expiresIn?: string; issuer?: string; audience?: string } = {},
): Promise<string> {
  const keys = await loadOrCreateDevKeys(keysPath);
  const key = await importJWK(keys.privateJwk, 'ES256');
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: keys.kid, typ: 'JWT' })
    .setIssuer(options.issuer ?? DEV_ISSUER)
    .setAudience(options.audience ?? DEV_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h')
    .sign(key);
}
