import type { SubgraphName } from '../../platform/config';
import { scrape, valueOf, type Sample } from '../helpers/metrics-scrape';
import { CLIENT_CHOSEN_NAME, RUN_PATIENT, shortRun } from '../helpers/metrics-run';
import { Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

const SUBGRAPHS: SubgraphName[] = ['practices', 'rollout', 'records'];

jest.setTimeout(60_000);

describe('metrics: each service on a port of its own', () => {
  let supergraph: Supergraph;
  let run: Awaited<ReturnType<typeof shortRun>>;
  const scrapes: Record<string, { text: string; samples: Sample[] }> = {};
  const metricsUrls = () => ({
    gateway: supergraph.gateway.metricsUrl!,
    ...Object.fromEntries(SUBGRAPHS.map((name) => [name, supergraph.subgraphs[name].metricsUrl!])),
  });

  beforeAll(async () => {
    // Two failures in a row open a circuit, so the breaker figure can be seen to move.
    supergraph = await startSupergraph({ subgraphCalls: { retries: 1, breaker: { failureThreshold: 2, openMs: 600_000 } } });
    run = await shortRun(supergraph);
    for (const [service, url] of Object.entries(metricsUrls())) scrapes[service] = await scrape(url);
  }, 120_000);
  afterAll(() => supergraph?.stop());

  it('the public ports no longer answer /metrics; the metrics ports answer GET /metrics and nothing else', async () => {
    const publicUrls = [supergraph.url, ...SUBGRAPHS.map((name) => supergraph.subgraphs[name].url)];
    for (const url of publicUrls) {
      expect({ url, status: (await fetch(url.replace(/\/graphql$/, '/metrics'))).status }).toEqual({ url, status: 404 });
    }
    for (const url of Object.values(metricsUrls())) {
      expect(new URL(url).hostname).toBe('127.0.0.1');
      expect((await fetch(url)).headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect((await fetch(url, { method: 'POST' })).status).toBe(404);
      expect((await fetch(url.replace(/\/metrics$/, '/graphql'))).status).toBe(404);
      expect((await fetch(url.replace(/\/metrics$/, '/readyz'))).status).toBe(404);
    }
  });

  it('the gateway counts each operation by its ready name, its errors by code, and times it', () => {
    const { samples } = scrapes.gateway!;
    expect(valueOf(samples, 'graphql_requests_total', { operation: 'PatientRecord' })).toBe(run.patientReads + run.refused);
    expect(valueOf(samples, 'graphql_request_errors_total', { operation: 'PatientRecord', code: 'FORBIDDEN' })).toBe(1);
    expect(valueOf(samples, 'graphql_requests_total', { operation: 'ClinicianPreview' })).toBe(1);
    expect(valueOf(samples, 'graphql_request_duration_seconds_count', { operation: 'PatientRecord' })).toBe(4);
    // The scenario's own set-up (unnamed mutations) and the client's own name are all "other".
    expect(valueOf(samples, 'graphql_requests_total', { operation: 'other' })).toBeGreaterThanOrEqual(run.own + 4);
  });

  it('the gateway counts and times its calls to each subgraph, and reads each breaker and retry budget', () => {
    const { samples } = scrapes.gateway!;
    for (const subgraph of ['rollout', 'records']) {
      expect(valueOf(samples, 'gateway_subgraph_requests_total', { subgraph })).toBeGreaterThan(0);
      expect(valueOf(samples, 'gateway_subgraph_request_duration_seconds_count', { subgraph })).toBe(
        valueOf(samples, 'gateway_subgraph_requests_total', { subgraph }),
      );
      expect(valueOf(samples, 'gateway_circuit_breaker_state', { subgraph, share: 'patients', state: 'closed' })).toBe(1);
      expect(valueOf(samples, 'gateway_circuit_breaker_state', { subgraph, share: 'patients', state: 'open' })).toBe(0);
      expect(valueOf(samples, 'gateway_retry_budget_available', { subgraph, share: 'patients' })).toBe(10);
    }
    expect(samples.filter((sample) => sample.name === 'gateway_subgraph_errors_total')).toEqual([]);
    // The gateway's first readiness probe, at start, measured every subgraph's clock (the same clock here).
    for (const subgraph of SUBGRAPHS) {
      expect(valueOf(samples, 'gateway_subgraph_clock_skew_seconds', { subgraph })).toBeDefined();
      expect(valueOf(samples, 'gateway_subgraph_ready', { subgraph })).toBe(1);
    }
  });

  it.each(SUBGRAPHS)('%s counts its operations, times its SQL, reports its pool and its clock', (name) => {
    const { samples } = scrapes[name]!;
    expect(samples.filter((s) => s.name === 'graphql_requests_total').reduce((sum, s) => sum + s.value, 0)).toBeGreaterThan(0);
    expect(valueOf(samples, 'db_query_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThan(0);
    expect(valueOf(samples, 'db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'db_pool_waiting')).toBe(0);
    expect(valueOf(samples, 'subgraph_clock_skew_seconds')).toBe(0);
    expect(valueOf(samples, 'subgraph_clock_skew_limit_seconds')).toBe(30);
    expect(valueOf(samples, 'subgraph_clock_skew_refusals_total')).toBe(0);
  });

  it("records labels the gateway's fetches with the ready operation they serve, and saw no disagreement or failed log write", () => {
    const { samples } = scrapes.records!;
    expect(valueOf(samples, 'graphql_requests_total', { operation: 'PatientRecord' })).toBeGreaterThanOrEqual(run.patientReads);
    expect(valueOf(samples, 'records_visibility_rule_disagreements_total')).toBe(0);
    expect(valueOf(samples, 'records_access_log_write_failures_total')).toBe(0);
  });

  it('no figure carries an NHS number, a client-chosen name or a token: every operation label is a ready name or "other"', () => {
    for (const { text, samples } of Object.values(scrapes)) {
      expect(text).not.toContain(RUN_PATIENT);
      expect(text).not.toContain(CLIENT_CHOSEN_NAME);
      expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
      for (const sample of samples.filter((s) => s.labels.operation !== undefined)) {
        expect(sample.labels.operation).toMatch(/^(other|[A-Z][A-Za-z]+)$/);
      }
    }
  });

  it('refusals made before GraphQL runs are counted by route and status: a bad token at the gateway, an unsigned call to a subgraph', async () => {
    const status = async (url: string, route: string, code: string) =>
      valueOf((await scrape(url)).samples, 'http_responses_total', { route, status: code }) ?? 0;
    const [gatewayBefore, recordsBefore] = [
      await status(supergraph.gateway.metricsUrl!, 'graphql', '401'),
      await status(supergraph.subgraphs.records.metricsUrl!, 'graphql', '401'),
    ];
    const body = JSON.stringify({ query: '{ me { nhsNumber } }' });
    const headers = { 'content-type': 'application/json' };
    const refused = await fetch(supergraph.url, {
      method: 'POST',
      headers: { ...headers, authorization: 'Bearer nonsense' },
      body,
    });
    expect(refused.status).toBe(401);
    expect((await fetch(supergraph.subgraphs.records.url, { method: 'POST', headers, body })).status).toBe(401);
    expect((await fetch(supergraph.url.replace(/\/graphql$/, `/${RUN_PATIENT}`))).status).toBe(404);
    expect(await status(supergraph.gateway.metricsUrl!, 'graphql', '401')).toBe(gatewayBefore + 1);
    expect(await status(supergraph.subgraphs.records.metricsUrl!, 'graphql', '401')).toBe(recordsBefore + 1);
    const { text, samples } = await scrape(supergraph.gateway.metricsUrl!);
    expect(valueOf(samples, 'http_responses_total', { route: 'other', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'http_responses_total', { route: 'graphql', status: '200' })).toBeGreaterThanOrEqual(
      run.patientReads,
    );
    expect(text).not.toContain(RUN_PATIENT);
  });

  it('an access-log row that cannot be written fails the read and is counted', async () => {
    const records = supergraph.subgraphs.records.database.dataSource;
    await records.query('ALTER TABLE access_log RENAME TO access_log_away');
    try {
      const read = await run.scenario.as(Scenario.patient(RUN_PATIENT), '{ me { record { totalCount } } }');
      expect(read.body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await records.query('ALTER TABLE access_log_away RENAME TO access_log');
    }
    const { samples } = await scrape(supergraph.subgraphs.records.metricsUrl!);
    expect(valueOf(samples, 'records_access_log_write_failures_total')).toBe(1);
    expect(valueOf(samples, 'db_query_duration_seconds_count', { outcome: 'error' })).toBeGreaterThanOrEqual(1);
    const gateway = await scrape(supergraph.gateway.metricsUrl!);
    expect(valueOf(gateway.samples, 'graphql_request_errors_total', { operation: 'other', code: 'INTERNAL_SERVER_ERROR' })).toBe(
      1,
    );
  });

  it("counts an error under the code the client received, not Apollo's own: a document that does not validate is BAD_USER_INPUT", async () => {
    const count = async (code: string) =>
      valueOf((await scrape(supergraph.gateway.metricsUrl!)).samples, 'graphql_request_errors_total', {
        operation: 'other',
        code,
      }) ?? 0;
    const before = await count('BAD_USER_INPUT');
    const refused = await run.scenario.as(Scenario.patient(RUN_PATIENT), '{ me { noSuchField } }');
    expect(refused.body.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(await count('BAD_USER_INPUT')).toBe(before + 1);
    const { text } = await scrape(supergraph.gateway.metricsUrl!);
    expect(text).not.toMatch(/code="GRAPHQL_VALIDATION_FAILED"|code="GRAPHQL_PARSE_FAILED"/);
  });

  it("a subgraph that is down: its calls fail, retries are counted, and its circuit's figure says open", async () => {
    await supergraph.stopSubgraph('practices');
    const name = '{ me { registeredPractice { name } } }';
    for (let i = 0; i < 2; i += 1) await run.scenario.as(Scenario.patient(RUN_PATIENT), name);
    const { samples } = await scrape(supergraph.gateway.metricsUrl!);
    const practices = { subgraph: 'practices', share: 'patients' };
    expect(valueOf(samples, 'gateway_circuit_breaker_state', { ...practices, state: 'open' })).toBe(1);
    expect(valueOf(samples, 'gateway_circuit_breaker_state', { ...practices, state: 'closed' })).toBe(0);
    expect(valueOf(samples, 'gateway_subgraph_errors_total', { subgraph: 'practices', reason: 'no_answer' })).toBe(2);
    expect(valueOf(samples, 'gateway_subgraph_retries_total', { subgraph: 'practices' })).toBe(1);
    expect(valueOf(samples, 'gateway_retry_budget_available', practices)).toBe(9);
    expect(valueOf(samples, 'gateway_subgraph_errors_total', { subgraph: 'practices', reason: 'circuit_open' })).toBe(1);
  });
});
