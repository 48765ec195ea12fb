import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { signDevToken } from '../../../gateway/dev-keys';
import { createTokenVerifier } from '../../../gateway/identity';
import { devJwtConfig } from '../../../gateway/identity/dev-issuers';
import { claimsFor } from '../../../gateway/token-claims';
import { VerifiedTokens, type KeyResolver } from '../../../gateway/verified-tokens';
import type { Viewer } from '../../../platform/viewer';

const viewer: Viewer = { role: 'analyst', subject: 'analyst-1' };
const header = { alg: 'ES256', kid: 'k1' };
const JWT = 'aaa.bbb.ccc';

describe('the verified-token cache', () => {
  const keyA = { name: 'key A' };
  const keys =
    (key: unknown): KeyResolver =>
    async () =>
      key;
  const remembered = (cache: VerifiedTokens, at: number, extra: { exp?: number; nbf?: number } = { exp: 2_000 }) =>
    cache.remember(JWT, { viewer: { ...viewer }, key: keyA, protectedHeader: header, ...extra }, at);

  it('gives back the viewer while the token has not expired and the key set still resolves the same key', async () => {
    const cache = new VerifiedTokens();
    remembered(cache, 1_000_000);
    expect(await cache.lookup(JWT, keys(keyA), 1_000_001)).toEqual(viewer);
    expect(await cache.lookup('aaa.bbb.ccd', keys(keyA), 1_000_001)).toBeNull(); // any other token is verified in full
  });

  it('forgets a token at its expiry (no clock tolerance: a fresh check decides then)', async () => {
    const cache = new VerifiedTokens(10, 10_000_000);
    remembered(cache, 1_000_000);
    expect(await cache.lookup(JWT, keys(keyA), 1_999_999)).not.toBeNull();
    expect(await cache.lookup(JWT, keys(keyA), 2_000_000)).toBeNull();
    expect(cache.size).toBe(0);
  });

  it('does not answer before a token’s nbf, and never remembers a token without exp', async () => {
    const cache = new VerifiedTokens();
    remembered(cache, 1_000_000, { exp: 2_000, nbf: 1_500 });
    expect(await cache.lookup(JWT, keys(keyA), 1_499_999)).toBeNull();
    remembered(cache, 1_000_000, {});
    expect(cache.size).toBe(0);
  });

  it('forgets a token once the key set resolves another key, or none (a reloaded or rotated JWKS)', async () => {
    const cache = new VerifiedTokens();
    remembered(cache, 1_000_000);
    expect(await cache.lookup(JWT, keys({ name: 'key A, imported again' }), 1_000_001)).toBeNull();
    remembered(cache, 1_000_000);
    const noKey: KeyResolver = async () => {
      throw new Error('no matching key');
    };
    expect(await cache.lookup(JWT, noKey, 1_000_001)).toBeNull();
    expect(cache.size).toBe(0);
  });

  it('re-verifies a token in full once it was verified a minute ago, whatever its expiry', async () => {
    const cache = new VerifiedTokens(10, 60_000);
    remembered(cache, 1_000_000, { exp: 9_999_999 });
    expect(await cache.lookup(JWT, keys(keyA), 1_059_999)).not.toBeNull();
    expect(await cache.lookup(JWT, keys(keyA), 1_060_000)).toBeNull();
  });

  it('holds at most maxEntries tokens, the oldest out first', async () => {
    const cache = new VerifiedTokens(2);
    for (const token of ['t1.a.b', 't2.a.b', 't3.a.b']) {
      cache.remember(token, { viewer: { ...viewer }, key: keyA, protectedHeader: header, exp: 2_000 }, 1_000_000);
    }
    expect(cache.size).toBe(2);
    expect(await cache.lookup('t1.a.b', keys(keyA), 1_000_001)).toBeNull();
    expect(await cache.lookup('t3.a.b', keys(keyA), 1_000_001)).not.toBeNull();
  });

  it('hands out a frozen viewer: one request cannot change what the next one sees', async () => {
    const cache = new VerifiedTokens();
    cache.remember(
      JWT,
      {
        viewer: {
          role: 'app',
          subject: 's',
          clientId: 'c',
          nhsNumber: '9990001375',
          identityLevel: 'P9',
          scopes: ['record:read'],
        },
        key: keyA,
        protectedHeader: header,
        exp: 2_000,
      },
      1_000_000,
    );
    const found = (await cache.lookup(JWT, keys(keyA), 1_000_001)) as Extract<Viewer, { role: 'app' }>;
    expect(Object.isFrozen(found)).toBe(true);
    expect(() => found.scopes.push('record:write')).toThrow(TypeError);
  });
});

describe('the gateway’s token verifier with the cache', () => {
  describe('with local development keys', () => {
    let dir: string;
    let keysPath: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'cas-verified-'));
      keysPath = join(dir, 'keys.json');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    afterEach(() => jest.useRealTimers());

    const verifier = async () => {
      const cache = new VerifiedTokens();
      const verify = await createTokenVerifier(devJwtConfig(keysPath), { cache });
      return { cache, verify };
    };

    it('remembers a verified token, and refuses a tampered copy of it', async () => {
      const { cache, verify } = await verifier();
      const token = await signDevToken(keysPath, claimsFor({ role: 'nhse' }));
      expect(await verify(`Bearer ${token}`)).toMatchObject({ role: 'nhse' });
      expect(cache.size).toBe(1);
      expect(await verify(`Bearer ${token}`)).toMatchObject({ role: 'nhse' });
      const [head, payload, signature = ''] = token.split('.');
      // A character in the middle of the signature (the last one may only carry padding bits).
      const flipped = signature[20] === 'A' ? 'B' : 'A';
      const tampered = `${head}.${payload}.${signature.slice(0, 20)}${flipped}${signature.slice(21)}`;
      expect(await verify(`Bearer ${tampered}`)).toBeNull();
      const otherClaims = Buffer.from(JSON.stringify({ ...claimsFor({ role: 'nhse' }), sub: 'someone-else' })).toString(
        'base64url',
      );
      expect(await verify(`Bearer ${head}.${otherClaims}.${signature}`)).toBeNull();
    });

    it('refuses a remembered token once it has expired, as it would without the cache', async () => {
      jest.useFakeTimers({
        now: new Date('2030-01-01T00:00:00.000Z'),
        doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'],
      });
      const { verify } = await verifier();
      const token = await signDevToken(keysPath, claimsFor({ role: 'nhse' }), { expiresIn: '60s' });
      expect(await verify(`Bearer ${token}`)).toMatchObject({ role: 'nhse' });
      jest.setSystemTime(new Date('2030-01-01T00:01:20.000Z')); // expired, within jose's 30 s tolerance
      expect(await verify(`Bearer ${token}`)).toMatchObject({ role: 'nhse' });
      jest.setSystemTime(new Date('2030-01-01T00:01:31.000Z')); // past the tolerance
      expect(await verify(`Bearer ${token}`)).toBeNull();
    });

    it('does not remember a token it refuses, nor one whose claims fit no role', async () => {
      const { cache, verify } = await verifier();
      expect(await verify(`Bearer ${await signDevToken(keysPath, claimsFor({ role: 'service' }))}`)).toBeNull();
      expect(
        await verify(`Bearer ${await signDevToken(keysPath, claimsFor({ role: 'nhse' }), { expiresIn: '-1m' })}`),
      ).toBeNull();
      expect(cache.size).toBe(0);
    });
  });

  describe("with an identity provider's JWKS", () => {
    let server: Server;
    let jwksUrl: string;
    let published: JWK[] = [];
    const signers: Record<string, CryptoKey> = {};
    beforeAll(async () => {
      for (const kid of ['k1', 'k2']) {
        const { privateKey, publicKey } = await generateKeyPair('ES256');
        signers[kid] = privateKey;
        published.push({ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' });
      }
      server = createServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: published }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const sign = (kid: string) =>
      new SignJWT({ ...claimsFor({ role: 'analyst' }) })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setIssuer('https://login.example')
        .setAudience('citizen-access')
        .setExpirationTime('5m')
        .sign(signers[kid]!);

    it('stops accepting a remembered token when its key is withdrawn, as soon as the gateway reloads the JWKS', async () => {
      const keys = [...published];
      const cache = new VerifiedTokens();
      const verify = await createTokenVerifier(
        {
          issuers: [
            {
              name: 'staff',
              keys: { kind: 'jwks', url: jwksUrl },
              issuer: 'https://login.example',
              audiences: ['citizen-access'],
            },
          ],
        },
        { timing: { cacheMaxAgeMs: 300, cooldownMs: 100 }, cache },
      );
      const withK1 = await sign('k1');
      expect(await verify(`Bearer ${withK1}`)).toMatchObject({ role: 'analyst' });
      expect(cache.size).toBe(1);

      published = keys.filter((key) => key.kid !== 'k1'); // the provider withdraws k1
      await new Promise((resolve) => setTimeout(resolve, 400)); // the gateway's copy of the JWKS is now stale
      expect(await verify(`Bearer ${withK1}`)).toBeNull();
      expect(await verify(`Bearer ${await sign('k2')}`)).toMatchObject({ role: 'analyst' });
      published = keys;
    });
  });
});
