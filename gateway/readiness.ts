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

/** The skew a ready subgraph's /readyz reports (`clock.skewMs`), or null. */
async function skewOf(response: Response): Promise<number | null> {
  try {
    const body = (await response.json()) as { clock?: { skewMs?: unknown } };
    return typeof body.clock?.skewMs === 'number' ? body.clock.skewMs : null;
  } catch {
    return null;
  }
}

export type Readiness = {
  ready: boolean;
  subgraphs: Record<string, boolean>;
  reasons: Record<string, Unreadiness>;
};

/**
 * /readyz: every subgraph answers its own /readyz (which checks its database and its clock).
 * Each probe carries a signed timestamp, so a subgraph measures its clock against the gateway's
 * even before any request; `reasons` says why each subgraph that is not ready is not.
 */
export async function subgraphsReady(
  urls: Record<string, string>,
  signing: { secret: string; clock: Clock },
  timeoutMs = 2000,
  /** Told the clock skew each subgraph measured against this gateway (null: none measured, or no answer). */
  onSkew?: (subgraph: string, skewMs: number | null) => void,
): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(urls).map(async ([name, url]): Promise<[string, Unreadiness | null]> => {
      try {
        const response = await fetch(url.replace(/\/graphql$/, '/readyz'), {
          headers: probeHeaders(signing.secret, name, signing.clock.now()),
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (response.ok) {
          if (onSkew) onSkew(name, await skewOf(response));
          else await response.body?.cancel();
          return [name, null];
        }
        const reason = await reasonOf(response);
        const clock = 'clock' in reason ? (reason.clock as { skewMs?: unknown } | undefined) : undefined;
        onSkew?.(name, typeof clock?.skewMs === 'number' ? clock.skewMs : null);
        return [name, reason];
      } catch {
        onSkew?.(name, null);
        return [name, { status: null, error: 'no answer' }];
      }
    }),
  );
  const subgraphs = Object.fromEntries(entries.map(([name, reason]) => [name, reason === null]));
  const reasons = Object.fromEntries(entries.filter((entry): entry is [string, Unreadiness] => entry[1] !== null));
  return { ready: entries.every(([, reason]) => reason === null), subgraphs, reasons };
}

/** How often the gateway probes its subgraphs for /readyz, unless configured. */
export const READINESS_INTERVAL_MS = 1000;

export interface ReadinessMonitor {
  /** The last state probed (the first probe's, awaited, if none has finished yet). */
  current(): Promise<Readiness & { checkedAt: string }>;
  stop(): void;
}

/**
 * The gateway's readiness, refreshed in the background every `intervalMs` (one probe of each
 * subgraph at a time, never overlapping): /readyz answers from it, so however often it is asked,
 * and by whom (it needs no token), the subgraphs see one probe each per interval.
 */
export function readinessMonitor(
  urls: Record<string, string>,
  signing: { secret: string; clock: Clock },
  intervalMs = READINESS_INTERVAL_MS,
  onSkew?: (subgraph: string, skewMs: number | null) => void,
): ReadinessMonitor {
  let latest: Promise<Readiness & { checkedAt: string }> | undefined;
  let refreshing = false;
  const refresh = () => {
    if (refreshing) return;
    refreshing = true;
    const probe = subgraphsReady(urls, signing, undefined, onSkew).then((state) => ({
      ...state,
      checkedAt: signing.clock.now().toISOString(),
    }));
    // The first state is served while it is being probed; later ones replace the last only when complete.
    if (!latest) latest = probe;
    void probe.then((state) => {
      latest = Promise.resolve(state);
      refreshing = false;
    });
  };
  refresh();
  const timer = setInterval(refresh, intervalMs);
  timer.unref();
  return {
    current: () => latest!,
    stop: () => clearInterval(timer),
  };
}
