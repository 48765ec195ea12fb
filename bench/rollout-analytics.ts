import { insertNationalRollout } from '../test/helpers/national-rollout';
import { Scenario } from '../test/helpers/scenario';
import { startSupergraph } from '../test/helpers/supergraph';
import { machine, percentile, saveResult } from './results';

/**
 * Rollout analytics at national scale: 6,500 practices over the 42 ICBs with their full
 * histories; an analyst's summary and 52-week timeline through the gateway, one request at a
 * time (the way an analyst asks), after a warm-up.
 */
const REQUESTS = Number(process.env.BENCH_ANALYTICS_REQUESTS ?? 30);
const NOW = '2024-06-01T09:00:00.000Z';

export async function rolloutAnalytics(): Promise<void> {
  const supergraph = await startSupergraph({ now: NOW });
  const s = new Scenario(supergraph);
  const world = await insertNationalRollout(
    supergraph.subgraphs.practices.database.dataSource,
    supergraph.subgraphs.rollout.database.dataSource,
  );
  const token = await s.token(Scenario.analyst);
  const from = new Date(Date.parse(NOW) - 52 * 7 * 86_400_000).toISOString();
  const COUNTS = 'key label total notScheduled scheduled enabled paused';
  const operations: [string, string][] = [
    ['rolloutSummary(groupBy: NATIONAL)', `{ rolloutSummary { ${COUNTS} } }`],
    ['rolloutSummary(groupBy: ICB)', `{ rolloutSummary(groupBy: ICB) { ${COUNTS} } }`],
    ['rolloutTimeline 52 weeks, NATIONAL', `{ rolloutTimeline(from: "${from}", to: "${NOW}") { at counts { ${COUNTS} } } }`],
    [
      'rolloutTimeline 52 weeks, ICB',
      `{ rolloutTimeline(from: "${from}", to: "${NOW}", groupBy: ICB) { at counts { ${COUNTS} } } }`,
    ],
    [
      'pausedPractices(first: 50)',
      `{ pausedPractices { totalCount edges { node { odsCode name currentPause { since reason } } } } }`,
    ],
  ];
  const rows = ['| operation | requests | p50 ms | p99 ms | max ms | errors |', '|---|---:|---:|---:|---:|---:|'];
  for (const [name, query] of operations) {
    const once = async () => {
      const started = performance.now();
      const response = await supergraph.graphql(token, query);
      return { ms: performance.now() - started, ok: response.status === 200 && !response.body.errors };
    };
    for (let k = 0; k < 3; k += 1) await once(); // warm-up
    const latencies: number[] = [];
    let errors = 0;
    for (let k = 0; k < REQUESTS; k += 1) {
      const result = await once();
      latencies.push(result.ms);
      if (!result.ok) errors += 1;
    }
    latencies.sort((a, b) => a - b);
    rows.push(
      `| ${name} | ${REQUESTS} | ${percentile(latencies, 50).toFixed(0)} | ${percentile(latencies, 99).toFixed(0)} | ${latencies.at(-1)!.toFixed(0)} | ${errors} |`,
    );
    console.log(rows.at(-1));
  }
  await supergraph.stop();
  await saveResult(
    'rollout-analytics',
    `# Rollout analytics at national scale, through the gateway\n\n${new Date().toISOString()} on ${machine()}; all services in one process.\n` +
      `${world.practices} practices over 42 ICBs, ${world.events} rollout events; one request at a time.\n\n${rows.join('\n')}\n`,
  );
}
