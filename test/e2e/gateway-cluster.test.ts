import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { request } from 'node:http';
import { spawnService, processTree, type ServiceProcess } from '../helpers/service-process';
import { scrape, valueOf } from '../helpers/metrics-scrape';
import { connectionRefused, freePort } from '../helpers/ports';
import { Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/** A request on a connection of its own (`agent: false`): node:cluster hands each new connection to the next worker. */
function post(url: string, token: string, body: string, options: { holdBack?: number } = {}) {
  const target = new URL(url);
  let finish: () => void = () => undefined;
  const answer = new Promise<{ status: number; text: string; at: number }>((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, at: performance.now() }));
      },
    );
    req.on('error', reject);
    const split = options.holdBack ?? 0;
    req.write(body.slice(0, body.length - split));
    finish = () => req.end(body.slice(body.length - split));
    if (split === 0) finish();
  });
  return { answer, finish: () => finish() };
}

/** A node process (a gateway worker), not a helper such as esbuild's service that tsx may start. */
const isNode = (pid: number) => {
  try {
    return basename(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!) === basename(process.execPath);
  } catch {
    return false; // ended while we looked
  }
};

/**
 * `GATEWAY_WORKERS=2 node --import tsx gateway/main.ts`, as its own process in front of
 * subgraphs started by the test: two worker processes share the port and both serve requests;
 * /readyz answers through them; SIGTERM to the primary stops both, the request in flight still
 * gets its whole answer, new connections are refused meanwhile, and the primary exits 0.
 */
describe('the gateway with GATEWAY_WORKERS=2', () => {
  let supergraph: Supergraph;
  let gateway: ServiceProcess | undefined;
  let identityProvider: ServiceProcess | undefined;
  let token: string;
  let metricsPort: number;
  const QUERY = JSON.stringify({ query: '{ practices(first: 1) { totalCount } }' });

  beforeAll(async () => {
    // The subgraphs' clock stands at the real time: the gateway process signs with the real clock.
    supergraph = await startSupergraph({ now: new Date().toISOString() });
    token = await new Scenario(supergraph).token(Scenario.analyst);
    // The gateway reads its keys from the identity provider's discovery documents, as under `npm start`.
    identityProvider = await spawnService({
      name: 'identity-provider',
      entry: 'identity-provider/main.ts',
      env: { DATA_DIR: supergraph.dataDir, IDENTITY_PROVIDER_PORT: '0' },
    });
    metricsPort = await freePort();
    gateway = await spawnService({
      name: 'gateway',
      entry: 'gateway/main.ts',
      env: {
        GATEWAY_WORKERS: '2',
        GATEWAY_PORT: '0',
        GATEWAY_METRICS_PORT: String(metricsPort),
        DATA_DIR: supergraph.dataDir,
        SUBGRAPH_SIGNING_SECRET: supergraph.secret,
        PRACTICES_URL: supergraph.subgraphs.practices.url,
        ROLLOUT_URL: supergraph.subgraphs.rollout.url,
        RECORDS_URL: supergraph.subgraphs.records.url,
        IDENTITY_PROVIDER_URL: identityProvider.url,
        LOG_LEVEL: 'info',
      },
    });
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop(2000);
    await identityProvider?.stop();
    await supergraph.stop();
  });

  it('says it is ready once both workers listen, answers through both, and says it is ready through them', async () => {
    expect(gateway!.output()).toMatch(/gateway ready at http:\/\/127\.0\.0\.1:\d+\/graphql \(2 workers\)/);
    // The primary's node children; tsx may also start esbuild's service process, which is no worker.
    const workers = processTree(gateway!.pid).filter((pid) => pid !== gateway!.pid && isNode(pid));
    expect(workers).toHaveLength(2);

    for (let i = 0; i < 8; i += 1) {
      const { status, text } = await post(gateway!.url, token, QUERY).answer;
      expect(status).toBe(200);
      expect(JSON.parse(text)).toEqual({ data: { practices: { totalCount: 0 } } });
    }
    // Each worker logs the operations it served, with its pid.
    const served = new Set(
      gateway!
        .output()
        .split('\n')
        .filter((line) => line.includes('"msg":"operation"'))
        .map((line) => (JSON.parse(line) as { pid: number }).pid),
    );
    expect([...served].sort()).toEqual([...workers].sort());

    for (let i = 0; i < 2; i += 1) {
      const ready = await fetch(gateway!.url.replace('/graphql', '/readyz'), { headers: { connection: 'close' } });
      expect(ready.status).toBe(200);
    }
  }, 30_000);

  it("serves both workers' figures, combined, on the primary's metrics port", async () => {
    const url = `http://127.0.0.1:${metricsPort}/metrics`;
    const served = async () => valueOf((await scrape(url)).samples, 'graphql_requests_total', { operation: 'other' }) ?? 0;
    const before = await served();
    // Each on a connection of its own, so node:cluster hands them to both workers in turn.
    for (let i = 0; i < 6; i += 1) expect((await post(gateway!.url, token, QUERY).answer).status).toBe(200);
    expect(await served()).toBe(before + 6);
    const { samples } = await scrape(url);
    // One sample per label set (summed), not one per worker.
    const requests = samples.filter((sample) => sample.name === 'graphql_requests_total' && sample.labels.operation === 'other');
    expect(requests).toHaveLength(1);
    expect(valueOf(samples, 'gateway_subgraph_requests_total', { subgraph: 'practices' })).toBeGreaterThanOrEqual(before + 6);
  }, 30_000);

  it('stops on SIGTERM: the request in flight is answered, new connections are refused, and it exits 0', async () => {
    const service = gateway!;
    const port = Number(new URL(service.url).port);
    const inFlight = post(service.url, token, QUERY, { holdBack: 10 });
    await new Promise((resolve) => setTimeout(resolve, 300)); // a worker has the request, waiting for the rest

    const stopped = service.stop(20_000).then(() => performance.now());
    let refusedNow = false;
    for (let tries = 0; tries < 100 && !refusedNow; tries += 1) {
      refusedNow = await connectionRefused(port);
      if (!refusedNow) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(refusedNow).toBe(true);
    expect(service.output()).toMatch(/SIGTERM received, stopping 2 workers/);

    inFlight.finish();
    const { status, text, at } = await inFlight.answer;
    expect(status).toBe(200);
    expect(JSON.parse(text)).toEqual({ data: { practices: { totalCount: 0 } } });
    const exitedAt = await stopped;
    expect(exitedAt).toBeGreaterThanOrEqual(at);
    expect(service.exitCode()).toBe(0);
  }, 30_000);
});
