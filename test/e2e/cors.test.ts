import { Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * Browsers on another origin (docs/api.md "Web clients"; decision 0060): an allowed origin's
 * preflight is answered with exactly what the API needs, its requests are served with the
 * origin echoed; an unknown origin is refused before its token or body is read; requests
 * without an Origin (server clients) are served as before. Real HTTP through the gateway.
 */
describe('CORS for an allow-list of web origins', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const WEB = 'http://localhost:4100';
  const OTHER_WEB = 'https://app.example.nhs.uk';
  const UNKNOWN = 'https://evil.example.com';
  const QUERY = '{ practices(first: 1) { totalCount } }';

  beforeAll(async () => {
    supergraph = await startSupergraph({ corsAllowedOrigins: [WEB, OTHER_WEB] });
    s = new Scenario(supergraph);
  });
  afterAll(() => supergraph.stop());

  const preflight = (origin: string, headers = 'authorization,content-type') =>
    fetch(supergraph.url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers },
    });
  const post = async (headers: Record<string, string>, body: string = JSON.stringify({ query: QUERY })) =>
    fetch(supergraph.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const bearer = async () => ({ authorization: `Bearer ${await s.token(Scenario.nhse)}` });
  const corsHeaders = (response: Response) => [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));

  it('answers an allowed origin’s preflight 204 with exactly the methods and headers the API needs', async () => {
    const { response, reached } = await supergraph.reachedDuring(() => preflight(WEB));
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(response.headers.get('access-control-allow-origin')).toBe(WEB);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(response.headers.get('access-control-allow-headers')).toBe(
      'authorization, content-type, apollo-require-preflight, x-apollo-operation-name, apollographql-client-name, apollographql-client-version',
    );
    expect(response.headers.get('access-control-max-age')).toBe('600');
    expect(response.headers.get('vary')).toBe('Origin');
    // Credentials stay off: tokens travel in the Authorization header, never in cookies.
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(reached).toEqual({});
  });

  it('refuses an unknown origin’s preflight 403 with no CORS headers, so the browser never sends the request', async () => {
    const response = await preflight(UNKNOWN);
    expect(response.status).toBe(403);
    expect(corsHeaders(response)).toEqual([]);
    expect(response.headers.get('vary')).toBe('Origin');
    const body = (await response.json()) as { errors: { extensions: { code: string; requestId: string } }[] };
    expect(body.errors[0]!.extensions).toEqual({ code: 'FORBIDDEN', requestId: response.headers.get('x-request-id') });
  });

  it('serves an allowed origin’s request with the origin echoed, Vary: Origin and the headers scripts may read', async () => {
    const response = await post({ origin: OTHER_WEB, ...(await bearer()) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { practices: { totalCount: 0 } } });
    expect(response.headers.get('access-control-allow-origin')).toBe(OTHER_WEB);
    expect(response.headers.get('access-control-expose-headers')).toBe('x-request-id, retry-after');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toBe('Origin');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lets an allowed origin’s refusals be read too: no token is UNAUTHENTICATED with the origin echoed', async () => {
    const response = await post({ origin: WEB });
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBe(WEB);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('serves an allowed origin’s GET that carries a CSRF-prevention header, and still refuses one that does not', async () => {
    const url = `${supergraph.url}?query=${encodeURIComponent(QUERY)}`;
    const allowed = await fetch(url, { headers: { origin: WEB, 'apollo-require-preflight': 'true', ...(await bearer()) } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(WEB);
    // CSRF prevention stays as it is: a simple GET (no preflight header) is still refused by Apollo.
    const simple = await fetch(url, { headers: { origin: WEB, ...(await bearer()) } });
    expect(simple.status).toBe(400);
    const body = (await simple.json()) as { errors: { message: string }[] };
    expect(body.errors[0]!.message).toMatch(/Cross-Site Request Forgery/);
  });

  it('refuses a request from an unknown origin 403 FORBIDDEN before its token or body is read, reaching no subgraph', async () => {
    for (const body of [JSON.stringify({ query: QUERY }), '{ not json']) {
      const { response, reached } = await supergraph.reachedDuring(async () =>
        post({ origin: UNKNOWN, ...(await bearer()) }, body),
      );
      expect(response.status).toBe(403);
      expect(corsHeaders(response)).toEqual([]);
      const answer = (await response.json()) as {
        data?: unknown;
        errors: { message: string; extensions: Record<string, string> }[];
      };
      expect(answer.data).toBeUndefined();
      expect(answer.errors[0]!.extensions).toEqual({ code: 'FORBIDDEN', requestId: response.headers.get('x-request-id') });
      expect(answer.errors[0]!.message).toMatch(/origin is not allowed|origins it lists/);
      expect(reached).toEqual({});
    }
    // A bad token makes no difference: the origin is judged first.
    const badToken = await post({ origin: UNKNOWN, authorization: 'Bearer not-a-token' });
    expect(badToken.status).toBe(403);
  });

  it('refuses origins that are only nearly on the list: another port, scheme, case, a trailing slash, null', async () => {
    for (const origin of ['http://localhost:4101', 'https://localhost:4100', 'HTTP://LOCALHOST:4100', `${WEB}/`, 'null']) {
      const response = await post({ origin, ...(await bearer()) });
      expect({ origin, status: response.status }).toEqual({ origin, status: 403 });
      expect(corsHeaders(response)).toEqual([]);
    }
  });

  it('serves requests without an Origin (server clients) as before, with no CORS headers', async () => {
    const response = await post(await bearer());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { practices: { totalCount: 0 } } });
    expect(corsHeaders(response)).toEqual([]);
    expect(response.headers.get('vary')).toBe('Origin');
    const unauthenticated = await post({});
    expect(unauthenticated.status).toBe(401);
  });

  it('gives the health and readiness probes no CORS headers: they are for the platform, not browsers', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const response = await fetch(supergraph.url.replace(/\/graphql$/, path), { headers: { origin: WEB } });
      expect(response.status).toBeLessThan(600);
      expect(corsHeaders(response)).toEqual([]);
      await response.text();
    }
  });

  it('serves no browser origin at all when none is listed (production’s default)', async () => {
    const closed = await startSupergraph();
    try {
      const response = await fetch(closed.url, {
        method: 'OPTIONS',
        headers: { origin: WEB, 'access-control-request-method': 'POST' },
      });
      expect(response.status).toBe(403);
      expect(corsHeaders(response)).toEqual([]);
    } finally {
      await closed.stop();
    }
  });
});
