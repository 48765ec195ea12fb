import { createLocalJWKSet, createRemoteJWKSet } from 'jose';
import { z } from 'zod';
import { loadOrCreateDevKeys } from '../dev-keys';
import type { KeyResolver } from '../verified-tokens';
import type { IssuerConfig } from './issuers';

export type { KeyResolver };

/** How long jose keeps a remote JWKS, and how soon an unknown key id (or a failed discovery) may make it fetch again. */
export interface KeySetTiming {
  cacheMaxAgeMs: number;
  cooldownMs: number;
}

export const JWKS_TIMING: KeySetTiming = { cacheMaxAgeMs: 600_000, cooldownMs: 30_000 };

const discoveryDocument = z.object({ issuer: z.string(), jwks_uri: z.string().url() });

/**
 * The keys an issuer's OIDC discovery document points at (`jwks_uri`). Fetched on the first
 * token, not at start, so the gateway starts while its identity provider is down; until the
 * document is read every token of that issuer is refused, and a failed read is tried again
 * only after the cooldown. The document must name this very issuer, or its keys are not trusted.
 */
function discoveredKeySet(url: string, issuer: string, timing: KeySetTiming): KeyResolver {
  let keys: Promise<KeyResolver> | undefined;
  let failedAt = -Infinity;
  const discover = async (): Promise<KeyResolver> => {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000), redirect: 'error' });
    if (!response.ok) throw new Error(`discovery document: HTTP ${response.status}`);
    const document = discoveryDocument.parse(await response.json());
    if (document.issuer !== issuer) throw new Error('discovery document names another issuer');
    return remoteKeySet(document.jwks_uri, timing);
  };
  return async (header, token) => {
    if (!keys) {
      if (Date.now() - failedAt < timing.cooldownMs) throw new Error('discovery document unavailable');
      keys = discover().catch((error: unknown) => {
        keys = undefined;
        failedAt = Date.now();
        throw error;
      });
    }
    return (await keys)(header, token);
  };
}

function remoteKeySet(url: string, timing: KeySetTiming): KeyResolver {
  return createRemoteJWKSet(new URL(url), { cooldownDuration: timing.cooldownMs, cacheMaxAge: timing.cacheMaxAgeMs });
}

export async function keySetFor(issuer: IssuerConfig, timing: KeySetTiming): Promise<KeyResolver> {
  switch (issuer.keys.kind) {
    case 'discovery':
      return discoveredKeySet(issuer.keys.url, issuer.issuer, timing);
    case 'jwks':
      return remoteKeySet(issuer.keys.url, timing);
    case 'local':
      return createLocalJWKSet({ keys: [(await loadOrCreateDevKeys(issuer.keys.keysPath))[issuer.name].publicJwk] });
  }
}
