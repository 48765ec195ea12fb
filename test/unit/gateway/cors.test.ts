import { loadGatewayConfig } from '../../../gateway/config';
import { corsDecision, developmentOrigins, originProblem } from '../../../gateway/cors';

/** CORS_ALLOWED_ORIGINS and the decision made from a request's method and Origin (decision 0060). */
describe('the CORS allow-list', () => {
  // A signing secret given, so loading the configuration writes nothing under data/.
  const base = { SUBGRAPH_SIGNING_SECRET: 'x'.repeat(32), DATA_DIR: '/nonexistent-cors-test' };
  const origins = (env: Record<string, string>) => loadGatewayConfig({ ...base, ...env }).corsAllowedOrigins;

  it('takes exact origins, comma-separated, spaces around them ignored', () => {
    expect(origins({ CORS_ALLOWED_ORIGINS: 'https://app.example.nhs.uk, http://localhost:3000' })).toEqual([
      'https://app.example.nhs.uk',
      'http://localhost:3000',
    ]);
  });

  it('in development, defaults to Sandbox, the gateway’s own landing page and the example web client', () => {
    expect(origins({ GATEWAY_PORT: '4000' })).toEqual([
      'https://studio.apollographql.com',
      'http://localhost:4000',
      'http://127.0.0.1:4000',
      'http://localhost:4100',
      'http://127.0.0.1:4100',
    ]);
    expect(developmentOrigins(8080)).toContain('http://localhost:8080');
  });

  it('set but empty means none, in development too', () => {
    expect(origins({ CORS_ALLOWED_ORIGINS: '' })).toEqual([]);
  });

  it('in production, defaults to none', () => {
    const production = {
      NODE_ENV: 'production',
      NHS_LOGIN_ISSUER: 'https://auth.login.nhs.uk',
      NHS_LOGIN_AUDIENCE: 'urn:citizen-access:gateway',
      NHS_LOGIN_PATIENT_CLIENT_IDS: 'nhs-app',
      CIS2_ISSUER: 'https://cis2.example.nhs.uk',
      CIS2_AUDIENCE: 'urn:citizen-access:gateway',
      STAFF_ISSUER: 'https://staff.example.nhs.uk',
      STAFF_AUDIENCE: 'urn:citizen-access:gateway',
    };
    expect(origins(production)).toEqual([]);
    expect(origins({ ...production, CORS_ALLOWED_ORIGINS: 'https://app.example.nhs.uk' })).toEqual([
      'https://app.example.nhs.uk',
    ]);
  });

  it.each([
    ['*', /wildcards are not allowed/],
    ['https://*.nhs.uk', /wildcards are not allowed/],
    ['https://app.example.nhs.uk/', /write it as "https:\/\/app.example.nhs.uk"/],
    ['https://app.example.nhs.uk/graphql', /no path/],
    ['https://App.Example.nhs.uk', /write it as "https:\/\/app.example.nhs.uk"/],
    ['https://app.example.nhs.uk:443', /write it as "https:\/\/app.example.nhs.uk"/],
    ['app.example.nhs.uk', /not an origin/],
    ['ftp://files.example.nhs.uk', /scheme must be http or https/],
    ['null', /not an origin/],
  ])('refuses %s, naming the variable and what is wrong', (value, problem) => {
    expect(() => origins({ CORS_ALLOWED_ORIGINS: `http://localhost:3000,${value}` })).toThrow(/CORS_ALLOWED_ORIGINS/);
    expect(() => origins({ CORS_ALLOWED_ORIGINS: value })).toThrow(problem);
    expect(originProblem(value)).toMatch(problem);
  });

  it('accepts an origin exactly as a browser sends it', () => {
    for (const origin of [
      'https://app.example.nhs.uk',
      'http://localhost:4100',
      'http://[::1]:4100',
      'https://example.nhs.uk:8443',
    ]) {
      expect(originProblem(origin)).toBeUndefined();
    }
  });

  describe('the decision', () => {
    const allowed = new Set(['https://app.example.nhs.uk']);

    it('leaves a request without an Origin alone but for Vary: Origin', () => {
      expect(corsDecision('POST', undefined, allowed)).toEqual({ kind: 'no-origin', headers: { vary: 'Origin' } });
      expect(corsDecision('OPTIONS', undefined, allowed).kind).toBe('no-origin');
    });

    it('refuses an unlisted origin with no CORS headers, whatever the method', () => {
      for (const method of ['OPTIONS', 'GET', 'POST']) {
        expect(corsDecision(method, 'https://other.example.nhs.uk', allowed)).toEqual({
          kind: 'refused',
          headers: { vary: 'Origin' },
        });
      }
    });

    it('answers a listed origin’s preflight and marks its requests, never allowing credentials', () => {
      const preflight = corsDecision('OPTIONS', 'https://app.example.nhs.uk', allowed);
      expect(preflight.kind).toBe('preflight');
      const request = corsDecision('POST', 'https://app.example.nhs.uk', allowed);
      expect(request.kind).toBe('allowed');
      expect(request.headers['access-control-allow-origin']).toBe('https://app.example.nhs.uk');
      for (const decision of [preflight, request]) {
        expect(Object.keys(decision.headers)).not.toContain('access-control-allow-credentials');
      }
    });
  });
});
