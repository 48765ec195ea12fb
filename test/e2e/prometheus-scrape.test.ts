import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { SubgraphName } from '../../platform/config';
import { CLIENT_CHOSEN_NAME, RUN_PATIENT, shortRun } from '../helpers/metrics-run';
import { eventually } from '../helpers/eventually';
import { describeWithPrometheus, startPrometheus, type RunningPrometheus } from '../helpers/prometheus';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

jest.setTimeout(120_000);

const JOBS = ['gateway', 'practices', 'rollout', 'records'] as const;

interface Target {
  labels: { job: string };
  health: string;
  lastScrape: string;
}

/**
 * The four services in-process, scraped by a real Prometheus (Debian's package) every second
 * during a short run; the figures are then read back through Prometheus' own HTTP API.
 */
describeWithPrometheus('a real Prometheus scraping the four services')('Prometheus scrapes the four services', () => {
  let supergraph: Supergraph;
  let prometheus: RunningPrometheus;
  let run: Awaited<ReturnType<typeof shortRun>>;
  const value = async (promql: string) => (await prometheus.query(promql))[0]?.value;

  beforeAll(async () => {
    supergraph = await startSupergraph();
    const metricsUrls: Record<(typeof JOBS)[number], string> = {
      gateway: supergraph.gateway.metricsUrl!,
      ...(Object.fromEntries(
        (['practices', 'rollout', 'records'] as SubgraphName[]).map((name) => [name, supergraph.subgraphs[name].metricsUrl!]),
      ) as Record<SubgraphName, string>),
    };
    prometheus = await startPrometheus(Object.fromEntries(JOBS.map((job) => [job, new URL(metricsUrls[job]).host])));
    run = await shortRun(supergraph);
    // Wait for a scrape of every target that began after the run ended: the figures then hold all of it.
    const ended = Date.now();
    await eventually(async () => {
      const { activeTargets } = await prometheus.api<{ activeTargets: Target[] }>('targets');
      return (
        activeTargets.length === JOBS.length &&
        activeTargets.every((target) => target.health === 'up' && Date.parse(target.lastScrape) > ended)
      );
    }, 30_000);
    // The query API answers from the storage once that scrape is in: wait until the run shows there too.
    await eventually(
      async () => (await value('sum(graphql_requests_total{job="gateway",operation="PatientRecord"})')) === 4,
      30_000,
    );
  });
  afterAll(async () => {
    await prometheus?.stop();
    await supergraph?.stop();
  });

  it('scrapes all four targets, each up', async () => {
    expect(await value('count(up == 1)')).toBe(4);
    expect((await prometheus.query('up')).map((sample) => sample.metric.job).sort()).toEqual([...JOBS].sort());
  });

  it("reads back the gateway's operations: the patient's reads, the refused one, the clinician's preview", async () => {
    expect(await value('graphql_requests_total{job="gateway",operation="PatientRecord"}')).toBe(run.patientReads + run.refused);
    expect(await value('graphql_request_errors_total{job="gateway",operation="PatientRecord",code="FORBIDDEN"}')).toBe(1);
    expect(await value('graphql_requests_total{job="gateway",operation="ClinicianPreview"}')).toBe(run.previews);
    expect(await value('graphql_request_duration_seconds_count{job="gateway",operation="PatientRecord"}')).toBe(4);
  });

  it('reads back the subgraph fetches, closed breakers and full retry budgets', async () => {
    expect(await value('sum(gateway_subgraph_requests_total{subgraph="records"})')).toBeGreaterThanOrEqual(run.patientReads * 2);
    expect(await value('sum(gateway_subgraph_requests_total{subgraph="rollout"})')).toBeGreaterThanOrEqual(run.patientReads);
    expect(await value('sum(gateway_subgraph_errors_total)')).toBeUndefined();
    expect(await value('sum(gateway_circuit_breaker_state{state="open"})')).toBe(0);
    expect(await value('min(gateway_retry_budget_available)')).toBe(10);
  });

  it('reads back each subgraph: records served the patient view, with no rule disagreement and no failed log write', async () => {
    expect(await value('graphql_requests_total{job="records",operation="PatientRecord"}')).toBeGreaterThanOrEqual(
      run.patientReads,
    );
    expect(await value('records_visibility_rule_disagreements_total')).toBe(0);
    expect(await value('records_access_log_write_failures_total')).toBe(0);
    for (const job of ['practices', 'rollout', 'records']) {
      expect({ job, queries: await value(`db_query_duration_seconds_count{job="${job}",outcome="ok"}`) }).toEqual({
        job,
        queries: expect.any(Number),
      });
      expect(await value(`subgraph_clock_skew_seconds{job="${job}"}`)).toBe(0);
    }
  });

  it('knows every metric the alert rules use, from the services themselves (a renamed figure would silence an alert)', async () => {
    const rules = parse(readFileSync(join(__dirname, '..', '..', 'deploy', 'prometheus', 'alerts.yml'), 'utf8')) as {
      groups: { rules: { expr: string }[] }[];
    };
    const used = new Set(
      rules.groups
        .flatMap((group) => group.rules.map((rule) => rule.expr))
        .flatMap((expr) => [...expr.matchAll(/\b((?:graphql|gateway|db|subgraph|records|http)_[a-z_]+)\b/g)].map((m) => m[1]!)),
    );
    const metadata = await prometheus.api<Record<string, unknown>>('metadata');
    expect(used.size).toBeGreaterThan(8);
    expect([...used].filter((name) => !(name in metadata))).toEqual([]);
  });

  it('holds no NHS number and no client-chosen name in any label Prometheus stored', async () => {
    const names = await prometheus.api<string[]>('label/__name__/values');
    expect(names.length).toBeGreaterThan(20);
    for (const label of ['operation', 'code', 'subgraph', 'share', 'state', 'reason', 'outcome', 'route', 'status', 'job']) {
      const values = await prometheus.api<string[]>(`label/${label}/values`);
      expect(values.join(' ')).not.toContain(RUN_PATIENT);
      expect(values).not.toContain(CLIENT_CHOSEN_NAME);
    }
    expect(await prometheus.api<string[]>('label/operation/values')).toContain('other');
  });

  it('stops cleanly: Prometheus closes its storage and exits 0', async () => {
    expect(await prometheus.stop()).toBe(0);
  });
});
