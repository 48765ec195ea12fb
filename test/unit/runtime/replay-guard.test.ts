import { ReplayGuard } from '../../../subgraphs/runtime/replay-guard';

describe('ReplayGuard', () => {
  const WINDOW_MS = 60_000;

  it('refuses a signature offered a second time within the window', () => {
    const guard = new ReplayGuard(WINDOW_MS);
    expect(guard.firstUse('sig', 1_000, 1_000)).toBe(true);
    expect(guard.firstUse('sig', 1_000, 1_000 + WINDOW_MS - 1)).toBe(false);
  });

  it('keeps no more than one window of signatures while the clock runs', () => {
    // Ten minutes of 100 requests a second: only the last minute's are kept.
    const guard = new ReplayGuard(WINDOW_MS);
    for (let i = 0; i < 60_000; i++) {
      const now = i * 10;
      expect(guard.firstUse(`sig-${i}`, now, now)).toBe(true);
    }
    expect(guard.size).toBeLessThanOrEqual(WINDOW_MS / 10 + 1);
  });

  it('lets nothing go on a clock that stands still (why a soak needs a running clock)', () => {
    const guard = new ReplayGuard(WINDOW_MS);
    for (let i = 0; i < 10_000; i++) guard.firstUse(`sig-${i}`, 5_000, 5_000);
    expect(guard.size).toBe(10_000);
  });
});
