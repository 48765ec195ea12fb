import { loadSubgraphConfig } from '../../../subgraphs/runtime/config';
import {
  allowedSkewMs,
  ClockCheck,
  DEFAULT_MAX_CLOCK_SKEW_MS,
  MAX_CLOCK_SKEW_LIMIT_MS,
  withinLimit,
} from '../../../subgraphs/runtime/clock-skew';
import {
  BODY_DIGEST_HEADER,
  MAX_REQUEST_AGE_MS,
  NONCE_HEADER,
  SIGNATURE_HEADER,
  signedHeaders,
  TIMESTAMP_HEADER,
  verifyHeaders,
  VIEWER_HEADER,
} from '../../../platform/request-signature';

const LIMIT = 30_000;

describe('a skew measured against the gateway', () => {
  it.each([
    [0, true],
    [LIMIT, true],
    [-LIMIT, true],
    [LIMIT + 1, false],
    [-(LIMIT + 1), false],
    [5 * 60_000, false],
    [-5 * 60_000, false],
  ])('of %i ms is within a 30 s limit: %s', (skewMs, within) => {
    expect(withinLimit(skewMs, LIMIT)).toBe(within);
    expect(new ClockCheck(LIMIT).admit(skewMs, 'gateway').ok).toBe(within);
  });

  it('from another subgraph may be twice the limit, since each clock may be off by the limit the other way', () => {
    expect(allowedSkewMs('subgraph', LIMIT)).toBe(2 * LIMIT);
    const check = new ClockCheck(LIMIT);
    expect(check.admit(2 * LIMIT, 'subgraph', 'rollout').ok).toBe(true);
    expect(check.admit(-(2 * LIMIT + 1), 'subgraph', 'rollout').ok).toBe(false);
  });
});

describe('the clock check of a subgraph', () => {
  it('counts as ready before any measurement, so a cold start is not unready for ever', () => {
    expect(new ClockCheck(LIMIT).status()).toEqual({ ok: true, skewMs: null, limitMs: LIMIT });
  });

  it('is not ready after a measurement beyond the limit, and says by how much and which way', () => {
    const check = new ClockCheck(LIMIT);
    check.admit(-5 * 60_000, 'gateway');
    expect(check.status()).toEqual({
      ok: false,
      skewMs: -300_000,
      limitMs: LIMIT,
      reason: "clock skew: this service's clock is 300000 ms behind the gateway's, beyond the 30000 ms limit",
    });
    check.admit(LIMIT + 1, 'gateway');
    expect(check.status().reason).toMatch(/30001 ms ahead of the gateway's/);
  });

  it('recovers with the first measurement back within the limit', () => {
    const check = new ClockCheck(LIMIT);
    check.admit(LIMIT + 1, 'gateway');
    check.admit(LIMIT, 'gateway');
    expect(check.status()).toEqual({ ok: true, skewMs: LIMIT, limitMs: LIMIT });
  });

  it('reports a change of verdict once, not once per request', () => {
    const check = new ClockCheck(LIMIT);
    const changes = [10, LIMIT + 1, 60_000, 90_000, 5, 6, -LIMIT - 1].map((skew) => check.admit(skew, 'gateway').changed);
    expect(changes).toEqual([false, true, false, false, true, false, true]);
  });

  it("leaves its state alone for another subgraph's call: that subgraph's clock is the one measured", () => {
    const check = new ClockCheck(LIMIT);
    expect(check.admit(5 * 60_000, 'subgraph', 'rollout')).toMatchObject({ ok: false, changed: true });
    expect(check.status()).toEqual({ ok: true, skewMs: null, limitMs: LIMIT });
    expect(check.admit(5 * 60_000, 'subgraph', 'rollout').changed).toBe(false);
    expect(check.admit(0, 'gateway').changed).toBe(false);
  });
});

describe('the limit', () => {
  it('defaults to 30 s and may not make a replay window wider than the signature allows', () => {
    expect(DEFAULT_MAX_CLOCK_SKEW_MS).toBe(30_000);
    expect(allowedSkewMs('subgraph', MAX_CLOCK_SKEW_LIMIT_MS)).toBe(MAX_REQUEST_AGE_MS);
  });

  it('is read from MAX_CLOCK_SKEW_MS, and a value outside 1 s to 30 s is refused naming it', () => {
    const env = { DATA_DIR: '/tmp/clock-skew-test', SUBGRAPH_SIGNING_SECRET: 's'.repeat(32) };
    expect(loadSubgraphConfig('records', env).maxClockSkewMs).toBe(30_000);
    expect(loadSubgraphConfig('records', { ...env, MAX_CLOCK_SKEW_MS: '5000' }).maxClockSkewMs).toBe(5000);
    expect(() => loadSubgraphConfig('records', { ...env, MAX_CLOCK_SKEW_MS: '30001' })).toThrow(/MAX_CLOCK_SKEW_MS/);
    expect(() => loadSubgraphConfig('records', { ...env, MAX_CLOCK_SKEW_MS: '999' })).toThrow(/MAX_CLOCK_SKEW_MS/);
  });
});

describe('verifying a signed request', () => {
  const secret = 'k'.repeat(32);
  const viewer = 'v';
  const body = '{}';
  const now = new Date('2024-01-15T12:00:00.000Z');
  const target = { audience: 'records', path: '/graphql' };
  const signedAt = (ms: number, key = secret) => {
    const headers = signedHeaders(key, { ...target, viewer, body, at: ms });
    return {
      timestamp: headers[TIMESTAMP_HEADER],
      nonce: headers[NONCE_HEADER],
      viewer: headers[VIEWER_HEADER],
      digest: headers[BODY_DIGEST_HEADER],
      signature: headers[SIGNATURE_HEADER],
    };
  };

  it('measures an authentic request however far off it is, leaving the verdict to the clock check', () => {
    expect(verifyHeaders(secret, target, signedAt(now.getTime() - 5 * 60_000), now)).toMatchObject({ ok: true, skewMs: 300_000 });
    expect(verifyHeaders(secret, target, signedAt(now.getTime() + 5 * 60_000), now)).toMatchObject({
      ok: true,
      skewMs: -300_000,
    });
  });

  it('checks the signature before the timestamp: a forged request far off is a bad signature, not skew', () => {
    const forged = { ...signedAt(now.getTime() - 5 * 60_000), signature: signedAt(0, 'x'.repeat(32)).signature };
    expect(verifyHeaders(secret, target, forged, now)).toEqual({ ok: false, reason: 'bad signature' });
  });
});
