import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { loadOrCreateDevKeys } from '../gateway/dev-keys';
import { DEV_ISSUERS } from '../gateway/identity/dev-issuers';
import { ISSUER_NAMES, type IssuerName } from '../gateway/identity/issuers';
import type { ServiceHandle } from '../platform/http';
import { noteServicePort } from '../platform/tracing/span-services';

/**
 * The local development identity provider: the three NHS issuers (NHS login, CIS2, staff) as
 * oidc-provider instances under one port, at /nhs-login, /cis2 and /staff. Each serves the
 * standard discovery document (/.well-known/openid-configuration) and its JWKS with the public
 * half of the development keys under data/, the keys `npm run token` signs with, so the gateway
 * verifies local tokens exactly as it verifies the real issuers': discovery, then the JWKS.
 * Never used in production (the gateway refuses development issuers there).
 */
export interface IdentityProviderConfig {
  host: string;
  port: number;
  /** The development keys (gateway/dev-keys.ts), created on first start. */
  keysPath: string;
}

export interface IdentityProviderHandle extends ServiceHandle {
  /** Each issuer's discovery document, where this provider serves it. */
  discoveryUrls: Record<IssuerName, string>;
}

/** What each issuer says it asserts (its discovery document's `claims_supported`), as the real services name them. */
const CLAIMS: Record<IssuerName, Record<string, string[]>> = {
  'nhs-login': { openid: ['sub'], profile: ['nhs_number', 'identity_proofing_level', 'vot', 'vtm'] },
  cis2: { openid: ['sub'], nationalrbacaccess: ['nhsid_nrbac_roles'], selectedrole: ['selected_roleid'] },
  staff: { openid: ['sub'], roles: ['roles'] },
};

export async function startIdentityProvider(config: IdentityProviderConfig): Promise<IdentityProviderHandle> {
  const keys = await loadOrCreateDevKeys(config.keysPath);
  const cookieKeys = [randomBytes(32).toString('base64url')];
  const providers = new Map<string, ReturnType<Provider['callback']>>();
  for (const name of ISSUER_NAMES) {
    const provider = new Provider(DEV_ISSUERS[name], {
      jwks: { keys: [keys[name].privateJwk] },
      claims: CLAIMS[name],
      cookies: { keys: cookieKeys },
      clientDefaults: { id_token_signed_response_alg: 'ES256' },
      enabledJWA: { idTokenSigningAlgValues: ['ES256'] },
      // Discovery and keys only: nobody signs in here (`npm run token` mints the tokens).
      features: { devInteractions: { enabled: false } },
    });
    providers.set(name, provider.callback());
  }
  const server = createServer((req: IncomingMessage & { originalUrl?: string }, res: ServerResponse) => {
    // /nhs-login/.well-known/openid-configuration goes to NHS login's provider as /.well-known/...
    const match = /^\/([a-z0-9-]+)(\/[^?]*)?(\?.*)?$/.exec(req.url ?? '');
    const handle = match ? providers.get(match[1]!) : undefined;
    if (!match || !handle) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
      return;
    }
    req.originalUrl = req.url;
    req.url = `${match[2] ?? '/'}${match[3] ?? ''}`;
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  // Its spans (the gateway reading discovery documents and keys) are named for it when traces are on.
  noteServicePort(port, 'identity-provider');
  const url = `http://${config.host}:${port}`;
  const discoveryUrls = Object.fromEntries(
    ISSUER_NAMES.map((name) => [name, `${url}/${name}/.well-known/openid-configuration`]),
  ) as Record<IssuerName, string>;
  return {
    url,
    port,
    discoveryUrls,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
