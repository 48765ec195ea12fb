/**
 * Cross-origin requests from browsers (docs/api.md, "Web clients"; decision 0060): only the
 * origins on the allow-list, with exactly what the API needs. Tokens travel in the
 * Authorization header, so credentials (cookies) stay off.
 */
export const CORS_ALLOWED_METHODS = ['GET', 'POST'] as const;

/**
 * The bearer token, JSON bodies, Apollo's CSRF-prevention headers (a GET from Apollo Client
 * carries one of them), and the name and version Apollo Client sends when an app names itself.
 */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
] as const;

/** What a script may read beyond the safelisted headers: the id to report and the wait when refused. */
export const CORS_EXPOSED_HEADERS = ['x-request-id', 'retry-after'] as const;

/** How long a browser may keep a preflight's answer (Chromium keeps at most 2 hours). */
export const CORS_MAX_AGE_SECONDS = 600;

/** Apollo Sandbox on Apollo's site calls the endpoint from this origin. */
export const APOLLO_STUDIO_ORIGIN = 'https://studio.apollographql.com';

/** The example web client (`npm run web`). */
export const EXAMPLE_WEB_CLIENT_ORIGINS = ['http://localhost:4100', 'http://127.0.0.1:4100'] as const;

/**
 * Development's allow-list: Sandbox on Apollo's site, the gateway's own landing page (its
 * embedded Sandbox sends from the page that holds it) and the example web client. Production has none.
 */
export function developmentOrigins(gatewayPort: number): string[] {
  return [
    APOLLO_STUDIO_ORIGIN,
    `http://localhost:${gatewayPort}`,
    `http://127.0.0.1:${gatewayPort}`,
    ...EXAMPLE_WEB_CLIENT_ORIGINS,
  ];
}

/**
 * Why `value` is not an exact origin (scheme://host[:port], lower case, no default port, no
 * path, no wildcard), or undefined when it is one. Browsers send origins in exactly that form,
 * so anything else would never match.
 */
export function originProblem(value: string): string | undefined {
  if (value.includes('*')) return `"${value}": wildcards are not allowed, list each origin`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}": not an origin (scheme://host[:port])`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `"${value}": the scheme must be http or https`;
  if (url.origin !== value) return `"${value}": an origin has no path, query or trailing slash; write it as "${url.origin}"`;
  return undefined;
}

export type CorsDecision =
  /** No Origin: not a browser's cross-origin request; served as before. */
  | { kind: 'no-origin'; headers: Record<string, string> }
  /** A preflight from an allowed origin: answered 204 with these headers. */
  | { kind: 'preflight'; headers: Record<string, string> }
  /** A request from an allowed origin: served, with these headers added. */
  | { kind: 'allowed'; headers: Record<string, string> }
  /** An origin not on the list: refused with no CORS headers. */
  | { kind: 'refused'; headers: Record<string, string> };

/**
 * What the gateway does with a request to /graphql, from its method and Origin alone. Every
 * answer says it varies by Origin, so no cache hands one origin's answer to another.
 */
export function corsDecision(method: string | undefined, origin: string | undefined, allowed: ReadonlySet<string>): CorsDecision {
  const vary = { vary: 'Origin' };
  if (origin === undefined) return { kind: 'no-origin', headers: vary };
  if (!allowed.has(origin)) return { kind: 'refused', headers: vary };
  const common = { ...vary, 'access-control-allow-origin': origin };
  if (method === 'OPTIONS') {
    return {
      kind: 'preflight',
      headers: {
        ...common,
        'access-control-allow-methods': CORS_ALLOWED_METHODS.join(', '),
        'access-control-allow-headers': CORS_ALLOWED_HEADERS.join(', '),
        'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
      },
    };
  }
  return { kind: 'allowed', headers: { ...common, 'access-control-expose-headers': CORS_EXPOSED_HEADERS.join(', ') } };
}

export const ORIGIN_REFUSED_MESSAGE =
  'Requests from this origin are not allowed: the gateway serves only the web origins it lists';
