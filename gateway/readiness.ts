import type { Clock } from '../platform/clock';
import { probeHeaders } from '../platform/request-signature';

/** Why a subgraph is not ready: its HTTP status and what its /readyz said (database, clock), or no answer at all. */
export type Unreadiness = { status: number; database?: unknown; clock?: unknown } | { status: null; error: 'no answer' };

/** Only the fields a subgraph's /readyz is known to explain itself with are passed on. */
async function reasonOf(response: Response): Promise<Unreadiness> {
  try {
    const body = (await response.json()) as Record<string, unknown>;
    const { database, clock } = body;
    return { status: response.status, ...(database !== undefined && { database }), ...(clock !== undefined && { clock }) };
  } catch {
    return { status: response.status };
  }
}

/**
 * /readyz: every subgraph answers its own /readyz (which checks its database and its clock).
 * Each probe carries a signed timestamp, so a subgraph measures its clock against the gateway's
 * even before any request; `reasons` says why each subgraph that is not ready is not.
 */
export async function subgraphsReady(
  urls: Record<string, string>,
  signing: { secret: string; clock: Clock },
  timeoutMs = 2000,
): Promise<{ ready: boolean; subgraphs: Record<string, boolean>; reasons: Record<string, Unreadiness> }> {
  const entries = await Promise.all(
    Object.entries(urls).map(async ([name, url]): Promise<[string, Unreadiness | null]> => {
      try {
        const response = await fetch(url.replace(/\/graphql$/, '/readyz'), {
          headers: probeHeaders(signing.secret, name, signing.clock.now()),
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (response.ok) {
          await response.body?.cancel();
          return [name, null];
        }
        return [name, await reasonOf(response)];
      } catch {
        return [name, { status: null, error: 'no answer' }];
      }
    }),
  );
  const subgraphs = Object.fromEntries(entries.map(([name, reason]) => [name, reason === null]));
  const reasons = Object.fromEntries(entries.filter((entry): entry is [string, Unreadiness] => entry[1] !== null));
  return { ready: entries.every(([, reason]) => reason === null), subgraphs, reasons };
}
