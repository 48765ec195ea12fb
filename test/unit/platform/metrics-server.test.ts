import { Counter, Registry } from 'prom-client';
import { serveMetrics } from '../../../platform/metrics-server';
import { silentLogger } from '../../../platform/logger';
import { addProcessMetrics } from '../../../platform/service-registry';

describe('the metrics listener', () => {
  it('answers GET /metrics with its own registry only, and 404 to anything else', async () => {
    const mine = new Registry();
    new Counter({ name: 'mine_total', help: 'mine', registers: [mine] }).inc(3);
    const other = new Registry();
    new Counter({ name: 'not_mine_total', help: 'not mine', registers: [other] }).inc();
    const handle = await serveMetrics(mine, { host: '127.0.0.1', port: 0 }, silentLogger());
    try {
      const text = await (await fetch(handle.url)).text();
      expect(text).toMatch(/^mine_total 3$/m);
      expect(text).not.toContain('not_mine_total');
      expect(text).not.toContain('process_cpu');
      expect((await fetch(handle.url, { method: 'POST' })).status).toBe(404);
      expect((await fetch(handle.url.replace('/metrics', '/graphql'))).status).toBe(404);
      expect((await fetch(`${handle.url}?x=1`)).status).toBe(200);
    } finally {
      await handle.stop();
    }
  });

  it("adds Node's process figures only when asked", async () => {
    expect(await addProcessMetrics(new Registry(), false).metrics()).toBe('\n');
    expect(await addProcessMetrics(new Registry(), true).metrics()).toMatch(/^process_cpu_seconds_total /m);
  });
});
