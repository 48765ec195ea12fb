import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { signDevToken } from '../../../gateway/dev-keys';
import { createTokenVerifier, type VerifyToken } from '../../../gateway/identity';
import { DEV_AUDIENCE, DEV_ISSUERS, devJwtConfig } from '../../../gateway/identity/dev-issuers';
import { claimsFor } from '../../../gateway/token-claims';

describe('the gateway verifies bearer tokens', () => {
  describe('with local development keys', () => {
    let dir: string;
    let keysPath: string;
    let verify: VerifyToken;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'cas-identity-'));
      keysPath = join(dir, 'keys.json');
      verify = await createTokenVerifier(devJwtConfig(keysPath));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const bearer = (token: string) => `Bearer ${token}`;

    it.each([
      [
        { role: 'patient', nhsNumber: '9990001375' },
        { role: 'patient', nhsNumber: '9990001375', identityLevel: 'P9' },
      ],
      [{ role: 'patient', nhsNumber: '9990001375', identityLevel: 'P5' }, { identityLevel: 'P5' }],
      [
        { role: 'app', clientId: 'c1', nhsNumber: '9990001375', scope: 'record:read other' },
        { clientId: 'c1', scopes: ['record:read', 'other'] },
      ],
      [
        { role: 'clinician', odsCode: 'A81001' },
        { role: 'clinician', odsCode: 'A81001' },
      ],
      [
        { role: 'supplier', supplier: 'TPP' },
        { role: 'supplier', supplier: 'TPP' },
      ],
      [{ role: 'nhse' }, { role: 'nhse' }],
      [{ role: 'analyst' }, { role: 'analyst' }],
      [{ role: 'registration' }, { role: 'registration' }],
    ])('accepts a valid %j token as the matching viewer', async (request, expected) => {
      const viewer = await verify(bearer(await signDevToken(keysPath, claimsFor(request))));
      expect(viewer).toMatchObject(expected);
    });

    it.each([
      ['no header', undefined],
      ['a header without Bearer', 'Basic abc'],
      ['garbage', 'Bearer not.a.jwt'],
    ])('refuses %s', async (_case, header) => {
      expect(await verify(header)).toBeNull();
    });

    it('refuses an expired token, a wrong issuer and a wrong audience', async () => {
      const claims = claimsFor({ role: 'nhse' });
      expect(await verify(bearer(await signDevToken(keysPath, claims, { expiresIn: '-1m' })))).toBeNull();
      expect(await verify(bearer(await signDevToken(keysPath, claims, { issuer: 'urn:someone-else' })))).toBeNull();
      expect(await verify(bearer(await signDevToken(keysPath, claims, { audience: 'urn:another-api' })))).toBeNull();
    });

    it.each([
      ['a patient', { role: 'patient', nhsNumber: '9990001375' }, 'staff'],
      ['a clinician', { role: 'clinician', odsCode: 'A81001' }, 'nhs-login'],
      ['nhse', { role: 'nhse' }, 'cis2'],
    ] as const)("refuses %s token signed with another issuer's key", async (_case, request, signAs) => {
      expect(await verify(bearer(await signDevToken(keysPath, claimsFor(request), { signAs })))).toBeNull();
      expect(await verify(bearer(await signDevToken(keysPath, claimsFor(request))))).not.toBeNull();
    });

    it("judges each token by its own issuer's keys, whatever the cache remembers of another issuer's", async () => {
      const patient = await signDevToken(keysPath, claimsFor({ role: 'patient', nhsNumber: '9990001375' }));
      expect(await verify(bearer(patient))).toMatchObject({ role: 'patient' });
      expect(await verify(bearer(patient))).toMatchObject({ role: 'patient' }); // now remembered
      // NHS login's key (the one just remembered) signing a staff-issuer token: the staff keys do not have it.
      expect(await verify(bearer(await signDevToken(keysPath, claimsFor({ role: 'nhse' }), { signAs: 'nhs-login' })))).toBeNull();
    });

    it("refuses one issuer's claims under another issuer's name, even signed with that issuer's key", async () => {
      // NHS login's shape presented as CIS2's or the staff issuer's: neither grants a patient.
      const patient = claimsFor({ role: 'patient', nhsNumber: '9990001375' });
      expect(await verify(bearer(await signDevToken(keysPath, { ...patient, iss: DEV_ISSUERS.cis2 })))).toBeNull();
      expect(await verify(bearer(await signDevToken(keysPath, { ...patient, iss: DEV_ISSUERS.staff })))).toBeNull();
      // The staff shape presented as NHS login's: NHS login can never make nhse.
      const nhse = claimsFor({ role: 'nhse' });
      expect(await verify(bearer(await signDevToken(keysPath, { ...nhse, iss: DEV_ISSUERS['nhs-login'] })))).toBeNull();
    });

    it('refuses tokens in the old single-issuer shape (a role claim), even from a trusted issuer', async () => {
      for (const [iss, claims] of [
        [DEV_ISSUERS['nhs-login'], { role: 'patient', nhs_number: '9990001375', identity_proofing_level: 'P9' }],
        [DEV_ISSUERS.cis2, { role: 'clinician', ods_code: 'A81001' }],
        [DEV_ISSUERS.staff, { role: 'nhse' }],
      ] as const) {
        expect(await verify(bearer(await signDevToken(keysPath, { iss, sub: 'old', aud: DEV_AUDIENCE, ...claims })))).toBeNull();
      }
    });

    it('refuses a token signed with another key, and an unsigned (alg: none) one', async () => {
      const { privateKey } = await generateKeyPair('ES256');
      const forged = await new SignJWT({ ...claimsFor({ role: 'nhse' }) })
        .setProtectedHeader({ alg: 'ES256' })
        .setExpirationTime('1h')
        .sign(privateKey);
      expect(await verify(bearer(forged))).toBeNull();
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const unsigned = `${encode({ alg: 'none' })}.${encode({ ...claimsFor({ role: 'nhse' }), exp: 9999999999 })}.`;
      expect(await verify(bearer(unsigned))).toBeNull();
    });

    it.each([
      ['the internal service role', { role: 'service' }],
      ['an unknown role', { role: 'superuser' }],
      ['a patient without an NHS number', { role: 'patient' }],
      ['a clinician with a malformed ODS code', { role: 'clinician', odsCode: 'nope' }],
      ['a supplier not in the list', { role: 'supplier', supplier: 'ACME' }],
      ['an app without a client id', { role: 'app', nhsNumber: '9990001375', scope: 'record:read' }],
      ['an identity level NHS login does not have', { role: 'patient', nhsNumber: '9990001375', identityLevel: 'P7' }],
    ])('refuses a verified token for %s', async (_case, request) => {
      expect(await verify(bearer(await signDevToken(keysPath, claimsFor(request))))).toBeNull();
    });
  });

  describe("with an identity provider's JWKS (production)", () => {
    let server: Server;
    let jwksUrl: string;
    let sign: (claims: object, issuer?: string) => Promise<string>;
    beforeAll(async () => {
      const { privateKey, publicKey } = await generateKeyPair('RS256');
      const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
      server = createServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [jwk] }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
      sign = (claims, issuer = 'https://login.example') =>
        new SignJWT({ ...claims })
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
          .setIssuer(issuer)
          .setAudience('citizen-access')
          .setExpirationTime('5m')
          .sign(privateKey);
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("accepts a token signed by the provider's key, with its issuer and audience", async () => {
      const verify = await createTokenVerifier({
        issuers: [
          { name: 'staff', keys: { kind: 'jwks', url: jwksUrl }, issuer: 'https://login.example', audiences: ['citizen-access'] },
        ],
      });
      expect(await verify(`Bearer ${await sign(claimsFor({ role: 'analyst' }))}`)).toMatchObject({ role: 'analyst' });
      expect(await verify(`Bearer ${await sign(claimsFor({ role: 'analyst' }), 'https://elsewhere.example')}`)).toBeNull();
    });
  });
});
