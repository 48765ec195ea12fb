/** /readyz: every subgraph answers its own /readyz (which checks its database). */
export async function subgraphsReady(
  urls: Record<string, string>,
  timeoutMs = 2000,
): Promise<{ ready: boolean; subgraphs: Record<string, boolean> }> {
  const entries = await Promise.all(
    Object.entries(urls).map(async ([name, url]) => {
      try {
        const response = await fetch(url.replace(/\/graphql$/, '/readyz'), { signal: AbortSignal.timeout(timeoutMs) });
        return [name, response.ok] as const;
      } catch {
        return [name, false] as const;
      }
    }),
  );
  const subgraphs = Object.fromEntries(entries);
  return { ready: entries.every(([, ok]) => ok), subgraphs };
}
