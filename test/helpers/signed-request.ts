import { signedHeaders, TIMESTAMP_HEADER, VIEWER_HEADER } from '../../platform/request-signature';
import type { SubgraphName } from '../../platform/config';
import { encodeViewer, type Viewer } from '../../platform/viewer';
import { postGraphQL } from './supergraph';

/** A request straight to a subgraph, signed as the gateway would (or deliberately not). */
export function signedPost(
  url: string,
  options: {
    secret: string | null;
    /** The subgraph the request is signed for (its name); it may differ from the one `url` reaches. */
    audience: SubgraphName;
    viewer: Viewer;
    body: unknown;
    timestamp?: number;
    tamper?: (headers: Record<string, string>) => void;
  },
) {
  const body = JSON.stringify(options.body);
  const viewer = encodeViewer(options.viewer);
  const at = options.timestamp ?? Date.now();
  const headers: Record<string, string> = options.secret
    ? signedHeaders(options.secret, { audience: options.audience, path: new URL(url).pathname, viewer, body, at })
    : { [VIEWER_HEADER]: viewer, [TIMESTAMP_HEADER]: String(at) };
  options.tamper?.(headers);
  return postGraphQL<Record<string, unknown>>(url, headers, body);
}

export const ENTITIES_RECORD_QUERY =
  'query($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { nhsNumber record { totalCount edges { node { title } } } } } }';
