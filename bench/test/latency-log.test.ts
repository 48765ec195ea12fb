import { LatencyLog } from '../soak/latency-log';

describe("the soak's latency log", () => {
  it('keeps every latency across its chunks and gives them back in order', () => {
    const log = new LatencyLog();
    expect(log.length).toBe(0);
    expect(log.sorted()).toHaveLength(0);
    const n = 150_000; // more than two chunks
    for (let i = 0; i < n; i++) log.push(((i * 7919) % n) / 10);
    expect(log.length).toBe(n);
    const sorted = log.sorted();
    expect(sorted).toHaveLength(n);
    expect(sorted[0]).toBe(0);
    expect(sorted[n - 1]).toBe((n - 1) / 10);
    for (let i = 1; i < n; i++) if (sorted[i]! < sorted[i - 1]!) throw new Error(`out of order at ${i}`);
  });
});
