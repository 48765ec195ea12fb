import { join } from 'node:path';
import { importJWK, SignJWT } from 'jose';
import { loadOrCreateDevKeys } from '../../gateway/dev-keys';
import { claimsFor } from '../../gateway/token-claims';
import { codes } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

const HOUR = 3600;

/**
 * Finding 9: a token must say when it expires, and may live at most a day (the development
 * default; JWT_MAX_LIFETIME_SECONDS). Each token below is signed with the very key the gateway
 * trusts, so only its times decide; the first test shows such a token is accepted.
 */
describe('token lifetime at the gateway', () => {
  let supergraph: Supergraph;

  beforeAll(async () => {
    supergraph = await startSupergraph();
    // Creates the keys the gateway trusts (it loads them lazily on first start otherwise).
    await supergraph.token({ role: 'nhse' });
  }, 60_000);
  afterAll(() => supergraph?.stop());

  /** A token for an NHS England user, signed with the trusted key, with exactly these times (seconds). */
  const signed = async (times: { iat?: number; exp?: number }) => {
    const keys = (await loadOrCreateDevKeys(join(supergraph.dataDir, 'dev-jwt-keys.json'))).staff;
    const jwt = new SignJWT({ ...claimsFor({ role: 'nhse' }), ...times }).setProtectedHeader({
      alg: 'ES256',
      kid: keys.kid,
      typ: 'JWT',
    });
    return jwt.sign(await importJWK(keys.privateJwk, 'ES256'));
  };
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const ask = async (token: string) => supergraph.graphql(token, '{ integratedCareBoards { code } }');

  it('accepts a token that expires within the day it was issued (so the refusals below can fail)', async () => {
    const now = nowSeconds();
    const response = await ask(await signed({ iat: now, exp: now + 12 * HOUR }));
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
  });

  it.each([
    ['without exp (iat only)', () => ({ iat: nowSeconds() })],
    ['without exp or iat', () => ({})],
    ['living 25 hours (exp - iat)', () => ({ iat: nowSeconds(), exp: nowSeconds() + 25 * HOUR })],
    ['without iat, expiring in 25 hours', () => ({ exp: nowSeconds() + 25 * HOUR })],
    ['issued in the past with a lifetime of a year', () => ({ iat: nowSeconds() - HOUR, exp: nowSeconds() + 365 * 24 * HOUR })],
  ])('refuses a token %s: 401 UNAUTHENTICATED, nothing reaches a subgraph', async (_case, times) => {
    const token = await signed(times());
    const { response, reached } = await supergraph.reachedDuring(() => ask(token));
    expect(response.status).toBe(401);
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
    expect(response.body.data ?? null).toBeNull();
    expect(reached).toEqual({});
  });
});
