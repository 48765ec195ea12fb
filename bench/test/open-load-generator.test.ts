import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runLoadPlan } from '../open-load/generator';
import { buildSchedule } from '../open-load/schedule';

/**
 * The open-model generator keeps its schedule whatever the server does, and counts each
 * request's latency from when it was meant to leave: no coordinated omission.
 */
const PAGE = JSON.stringify({ data: { me: { onlineAccess: { state: 'ENABLED' }, record: { totalCount: 0, edges: [] } } } });
const SERVICE_MS = 50;

/** A server that answers one request at a time, each after SERVICE_MS: 20 a second at most. */
async function slowServer(): Promise<{ url: string; server: Server; mostOpen: () => number }> {
  let open = 0;
  let mostOpen = 0;
  let queue = Promise.resolve();
  const server = createServer((req, res) => {
    open += 1;
    mostOpen = Math.max(mostOpen, open);
    req.resume();
    req.on('end', () => {
      queue = queue.then(
        () =>
          new Promise<void>((served) =>
            setTimeout(() => {
              open -= 1;
              res.writeHead(200, { 'content-type': 'application/json' }).end(PAGE);
              served();
            }, SERVICE_MS),
          ),
      );
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server, mostOpen: () => mostOpen };
}

const mix = [
  {
    name: 'patient first page',
    weight: 1,
    send: { kind: 'read' as const, check: 'patientFirstPage' as const, requests: [{ body: '{}', headers: {} }] },
  },
];

describe('the open-load generator', () => {
  let slow: Awaited<ReturnType<typeof slowServer>>;
  beforeEach(async () => {
    slow = await slowServer();
  });
  afterEach(async () => {
    slow.server.closeAllConnections();
    await new Promise((closed) => slow.server.close(closed));
  });

  it('sends on schedule into a server at half the rate, and counts the queueing from each intended send', async () => {
    // 40 a second for 1 s (one every 25 ms) into a server that serves one every 50 ms.
    const figures = await runLoadPlan({
      url: slow.url,
      mode: { kind: 'open', arrivals: 'constant', ratePerSecond: 40, seconds: 1 },
      seed: 1,
      mix,
    });
    expect({ intended: figures.intended, sent: figures.sent, errors: figures.errors, wrong: figures.wrong }).toEqual({
      intended: 40,
      sent: 40,
      errors: 0,
      wrong: 0,
    });
    // The generator did not wait for answers: many requests were open at the server at once.
    expect(slow.mostOpen()).toBeGreaterThan(10);
    expect(figures.peakInFlight).toBeGreaterThan(10);
    // Served one at a time, the k-th answer comes at least k × 50 ms after the first intended
    // send, and request i was meant to leave at i × 25 ms: the latencies from intended times sum
    // to at least 50 × (1 + … + 40) − 25 × (0 + … + 39) ms, a mean of 537.5 ms. Timed from each
    // real send behind the one before (a closed loop), every request would take about 50 ms.
    const latencies = figures.kinds[0]!.latency;
    expect(latencies.count).toBe(40);
    expect(latencies.maxMs).toBeGreaterThanOrEqual(40 * SERVICE_MS - 39 * 25);
    expect(latencies.p50Ms).toBeGreaterThan(4 * SERVICE_MS);
  });

  it('in a closed loop keeps exactly its connections in flight, each timed from its real send', async () => {
    const figures = await runLoadPlan({ url: slow.url, mode: { kind: 'closed', connections: 1, seconds: 0.5 }, seed: 1, mix });
    expect(slow.mostOpen()).toBe(1);
    expect(figures.peakInFlight).toBe(1);
    expect(figures.errors + figures.wrong).toBe(0);
    expect(figures.kinds[0]!.latency.p50Ms).toBeGreaterThanOrEqual(SERVICE_MS - 1);
  });

  it('counts an error for a request refused or unanswered in time, and a wrong answer for one that fails its check', async () => {
    const figures = await runLoadPlan({
      url: slow.url,
      mode: { kind: 'open', arrivals: 'constant', ratePerSecond: 10, seconds: 0.2 },
      seed: 1,
      mix: [{ ...mix[0]!, send: { ...mix[0]!.send, check: 'clinicianList' as const } }],
    });
    expect({ sent: figures.sent, wrong: figures.wrong, errors: figures.errors }).toEqual({ sent: 2, wrong: 2, errors: 0 });
    expect(figures.causes).toEqual({ 'wrong: failed its check': 2 });
    const refused = await runLoadPlan({
      url: 'http://127.0.0.1:9/graphql',
      mode: { kind: 'open', arrivals: 'constant', ratePerSecond: 10, seconds: 0.2 },
      seed: 1,
      mix,
    });
    expect({ sent: refused.sent, errors: refused.errors }).toEqual({ sent: 2, errors: 2 });
    expect(refused.causes).toEqual({ 'error: socket': 2 });
    const late = await runLoadPlan({
      url: slow.url,
      mode: { kind: 'open', arrivals: 'constant', ratePerSecond: 10, seconds: 0.2 },
      seed: 1,
      mix,
      timeoutMs: SERVICE_MS / 5,
    });
    expect({ errors: late.errors, causes: late.causes }).toEqual({ errors: 2, causes: { 'error: timeout': 2 } });
  });

  it('counts an answer that carries an error code as an error, by its code, even with status 200', async () => {
    const declining = createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(
            JSON.stringify({ data: { me: null }, errors: [{ message: 'busy', extensions: { code: 'SERVICE_UNAVAILABLE' } }] }),
          ),
      );
    });
    await new Promise<void>((listening) => declining.listen(0, '127.0.0.1', listening));
    try {
      const figures = await runLoadPlan({
        url: `http://127.0.0.1:${(declining.address() as AddressInfo).port}/graphql`,
        mode: { kind: 'open', arrivals: 'constant', ratePerSecond: 10, seconds: 0.2 },
        seed: 1,
        mix,
      });
      expect({ errors: figures.errors, wrong: figures.wrong, causes: figures.causes }).toEqual({
        errors: 2,
        wrong: 0,
        causes: { 'error: HTTP 200 SERVICE_UNAVAILABLE': 2 },
      });
    } finally {
      declining.closeAllConnections();
      await new Promise((closed) => declining.close(closed));
    }
  });
});

describe('the schedule', () => {
  it('draws Poisson arrivals at the asked rate and kinds in the asked proportions, the same for a seed', () => {
    const options = { ratePerSecond: 1000, seconds: 20, weights: [45, 5, 50], seed: 7, arrivals: 'poisson' as const };
    const schedule = buildSchedule(options);
    expect(schedule.at.length).toBeGreaterThan(19_000);
    expect(schedule.at.length).toBeLessThan(21_000);
    expect(schedule.at.every((t, i) => i === 0 || t >= schedule.at[i - 1]!)).toBe(true);
    const share = (kind: number) => schedule.kind.filter((k) => k === kind).length / schedule.kind.length;
    expect(share(0)).toBeCloseTo(0.45, 1);
    expect(share(1)).toBeCloseTo(0.05, 1);
    expect(share(2)).toBeCloseTo(0.5, 1);
    expect(buildSchedule(options)).toEqual(schedule);
    // Poisson gaps vary (a constant rate's would all be 1 ms).
    const gaps = Array.from(schedule.at.subarray(1), (t, i) => t - schedule.at[i]!);
    expect(Math.max(...gaps)).toBeGreaterThan(3);
  });
});
