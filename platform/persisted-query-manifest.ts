/**
 * The manifest format Apollo's persisted-query tooling writes (`@apollo/generate-persisted-query-manifest`):
 * an approved app's trusted operations. Types only, so browser code (the client kit) can use them.
 */
export const MANIFEST_FORMAT = 'apollo-persisted-query-manifest';

export interface TrustedOperation {
  /** The SHA-256 of `body`, lowercase hex: what Apollo Client's persisted-query link sends. */
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

export interface PersistedQueryManifest {
  format: typeof MANIFEST_FORMAT;
  version: 1;
  operations: TrustedOperation[];
}
