import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { getOperationAST, type DocumentNode } from 'graphql';
import type { PersistedQueryManifest } from '../../platform/persisted-query-manifest';
import { typePolicies } from './type-policies';

export interface GatewayClientOptions {
  /** The gateway's GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  /** The signed-in user's bearer token, read for every request (null: none, the answer is UNAUTHENTICATED). */
  token: () => string | null;
  /** Names the frontend to the gateway's logs (Apollo's client awareness headers). */
  name?: string;
  version?: string;
  /** Another fetch (tests, a server-side renderer); the global one by default. */
  fetch?: typeof fetch;
  /**
   * An approved app's manifest (schema/operations/app/persisted-query-manifest.json, as NHS
   * England registered it): every operation is then sent by its id alone, as an app token must.
   */
  trustedOperations?: PersistedQueryManifest;
}

/**
 * Sends each operation as the id its manifest gives its name (as Apollo's persisted query lists
 * do), never its text; an operation the manifest lacks fails in the app before any request.
 * No retry with the text: the gateway never accepts an app's text.
 */
function trustedOperationLink(manifest: PersistedQueryManifest): PersistedQueryLink {
  const ids = new Map(manifest.operations.map((operation) => [operation.name, operation.id]));
  return new PersistedQueryLink({
    generateHash: (document: DocumentNode) => {
      const name = getOperationAST(document)?.name?.value ?? '';
      const id = ids.get(name);
      if (!id) throw new Error(`The operation ${name || '(unnamed)'} is not in the app's manifest`);
      return id;
    },
    retry: () => false,
  });
}

/**
 * An Apollo Client for the gateway: the bearer token on every request, JSON over POST (so
 * browsers send the CORS preflight the gateway expects), and the cache's type policies for our
 * connections. Errors come back as Apollo Client reports them; `apiErrors` turns them into codes.
 */
export function createGatewayClient(options: GatewayClientOptions): ApolloClient {
  const auth = new SetContextLink((prevContext) => {
    const token = options.token();
    const headers = prevContext.headers as Record<string, string> | undefined;
    return token ? { headers: { ...headers, authorization: `Bearer ${token}` } } : {};
  });
  const http = new HttpLink({
    uri: options.url,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    // Tokens travel in the Authorization header: no cookies, so none can be sent across sites.
    credentials: 'omit',
  });
  return new ApolloClient({
    link: ApolloLink.from(
      options.trustedOperations ? [auth, trustedOperationLink(options.trustedOperations), http] : [auth, http],
    ),
    cache: new InMemoryCache({ typePolicies }),
    ...(options.name ? { clientAwareness: { name: options.name, version: options.version ?? '0' } } : {}),
  });
}
