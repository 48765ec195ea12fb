import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { signDevToken } from '../gateway/dev-keys';
import { claimsFor, type TokenRequest } from '../gateway/token-claims';
import { dataDir } from '../platform/config';

/** What the command-line tools (import:schedule, report) need to talk to the gateway as a user. */
export const defaultGatewayUrl = (env: NodeJS.ProcessEnv = process.env): string =>
  `http://localhost:${env.GATEWAY_PORT ?? 4000}/graphql`;

export class GatewayError extends Error {
  constructor(
    message: string,
    readonly codes: string[] = [],
  ) {
    super(message);
  }
}

/**
 * The bearer token to act with: --token, else ACCESS_TOKEN, else (for a locally started
 * system only) a short-lived token minted with the development keys under data/.
 */
export async function resolveToken(
  given: string | undefined,
  dev: TokenRequest | null,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const token = given ?? env.ACCESS_TOKEN;
  if (token) return token;
  const keysPath = join(dataDir(env), 'dev-jwt-keys.json');
  // Never in production: its gateway trusts the real issuers only, not the development keys.
  if (dev === null || env.NODE_ENV === 'production' || !existsSync(keysPath)) {
    throw new GatewayError('No token: pass --token or set ACCESS_TOKEN (see `npm run --silent token -- --help`)');
  }
  return signDevToken(keysPath, claimsFor(dev), { expiresIn: '15m' });
}

/** One GraphQL request; the data, or a GatewayError carrying every error's message and code. */
export async function callGateway<T>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new GatewayError(`Cannot reach the gateway at ${url}: is the system started (npm start)?`);
  }
  let body: { data?: T | null; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new GatewayError(`The gateway answered HTTP ${response.status} without a GraphQL response`);
  }
  if (body.errors?.length || !body.data) {
    const errors = body.errors ?? [];
    const codes = errors.map((error) => error.extensions?.code ?? 'UNKNOWN');
    const message =
      errors.map((error) => `${error.extensions?.code ?? 'ERROR'}: ${error.message}`).join('\n') || `HTTP ${response.status}`;
    throw new GatewayError(message, codes);
  }
  return body.data;
}
