/**
 * Asks `probe` again every `intervalMs` until it answers something other than undefined (or
 * false), and says how long that took; fails after `withinMs` with the last answer seen.
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false>,
  withinMs: number,
  intervalMs = 100,
): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return { value, ms: Math.round(performance.now() - started) };
      last = value;
    } catch (error) {
      last = error;
    }
    if (performance.now() - started > withinMs) {
      throw new Error(`not within ${withinMs} ms; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** GET /readyz of a service whose GraphQL URL is given: its status and body. */
export async function readiness(graphqlUrl: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(graphqlUrl.replace(/\/graphql$/, '/readyz'), { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * The gateway answers /readyz from a state it refreshes in the background: after a change, its
 * /readyz once it says `status` (the subgraphs' own /readyz answer at once).
 */
export async function readinessBecomes(
  graphqlUrl: string,
  status: number,
  withinMs = 5000,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const { value } = await eventually(async () => {
    const answer = await readiness(graphqlUrl);
    return answer.status === status && answer;
  }, withinMs);
  return value;
}
