import type { Fetcher, FetcherRequestInit } from '@apollo/utils.fetcher';
import type { Clock } from '../subgraphs/common/clock';
import { SIGNATURE_HEADER, signRequest, TIMESTAMP_HEADER, VIEWER_HEADER } from '../subgraphs/common/request-signature';

/**
 * Signs every request the gateway sends to a subgraph over the exact bytes it sends: the
 * body, the forwarded identity (set by SubgraphDataSource) and a timestamp. Also bounds
 * each call with a timeout.
 */
export function signedFetcher(secret: string, clock: Clock, timeoutMs: number): Fetcher {
  return async (url: string, init?: FetcherRequestInit) => {
    const headers: Record<string, string> = { ...init?.headers };
    const body = typeof init?.body === 'string' ? init.body : '';
    const viewer = headers[VIEWER_HEADER] ?? '';
    const timestamp = String(clock.now().getTime());
    headers[TIMESTAMP_HEADER] = timestamp;
    headers[SIGNATURE_HEADER] = signRequest(secret, { timestamp, viewer, body });
    const response = await fetch(url, {
      method: init?.method ?? 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return response;
  };
}
