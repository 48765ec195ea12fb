import type { GatewayPlugin } from '@graphql-hive/gateway';
import type { Clock } from '../../platform/clock';
import { signedHeaders, targetOf, VIEWER_HEADER } from '../../platform/request-signature';

/** A plain copy of fetch headers, whichever form they came in. */
function headersOf(init: HeadersInit | undefined): Record<string, string> {
  if (!init) return {};
  if (init instanceof Headers || Array.isArray(init)) return Object.fromEntries(new Headers(init).entries());
  return { ...init };
}

/**
 * Signs every subgraph request Hive Gateway sends, over the exact body bytes, the forwarded
 * viewer and a timestamp, with our own `signedHeaders` (the same HMAC our signed-fetcher.ts
 * computes). It must be the last `onFetch` to run, so nothing changes the request after it is
 * signed; a body that is not a string (multipart, which is off) is refused rather than signed.
 */
export function useSignedSubgraphRequests(secret: string, clock: Clock, urls: Record<string, string>): GatewayPlugin {
  const names = new Map(Object.entries(urls).map(([name, url]) => [url, name]));
  return {
    onFetch(payload) {
      const { options } = payload;
      const { body } = options;
      if (body !== undefined && body !== null && typeof body !== 'string') {
        throw new Error('Only string bodies can be signed');
      }
      const name = names.get(payload.url);
      if (name === undefined) throw new Error('Only subgraph requests can be signed');
      const given = headersOf(options.headers);
      const viewer = given[VIEWER_HEADER] ?? '';
      const headers = {
        ...given,
        ...signedHeaders(secret, { ...targetOf(name, payload.url), viewer, body: body ?? '', at: clock.now() }),
      };
      payload.setOptions({ ...options, headers });
    },
  };
}
