// The part of oidc-provider's API this folder uses (the package ships no types of its own).
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import type { JWK } from 'jose';

  export interface Configuration {
    jwks?: { keys: JWK[] };
    claims?: Record<string, string[]>;
    cookies?: { keys: string[] };
    clientDefaults?: Record<string, unknown>;
    enabledJWA?: Record<string, string[]>;
    features?: Record<string, { enabled: boolean }>;
  }

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  }
}
