import { BulkheadFull } from '../../../platform/bulkhead';
import { analyticsLane, BULKHEAD_LIMITS, Bulkheads } from '../../../gateway/bulkheads';

const light = BULKHEAD_LIMITS.analyticsLight;

describe("the analysts' lanes", () => {
  it('puts an operation costing at most maxCost in the light lane, and anything else in the heavy one', () => {
    expect(analyticsLane(0, light)).toBe('light');
    expect(analyticsLane(light.maxCost, light)).toBe('light');
    expect(analyticsLane(light.maxCost + 1, light)).toBe('heavy');
    // A cost that is not a plain number is not trusted to be light.
    for (const odd of [NaN, Infinity, -1]) expect(analyticsLane(odd, light)).toBe('heavy');
  });

  it('admits light operations side by side and heavy ones alone, each lane with its own queue', async () => {
    const bulkheads = new Bulkheads({
      ...BULKHEAD_LIMITS,
      analytics: { concurrent: 1, queued: 1, waitMs: 60_000 },
      analyticsLight: { concurrent: 3, queued: 0, waitMs: 60_000, maxCost: 100 },
    });
    const lane = (name: string) => bulkheads.lanes().find(([each]) => each === name)![1];
    const lights = await Promise.all([1, 50, 100].map((cost) => bulkheads.admitByCost(cost)));
    expect(lane('analytics-light').inUse).toBe(3);
    await expect(bulkheads.admitByCost(10)).rejects.toBeInstanceOf(BulkheadFull);

    const heavy = await bulkheads.admitByCost(101);
    const waiting = bulkheads.admitByCost(5000);
    expect([lane('analytics-heavy').inUse, lane('analytics-heavy').queued]).toEqual([1, 1]);
    await expect(bulkheads.admitByCost(5000)).rejects.toBeInstanceOf(BulkheadFull);

    // Released twice, counted once: the waiting one takes the slot, and nothing goes below zero.
    heavy();
    heavy();
    (await waiting)();
    for (const release of lights) release();
    expect(bulkheads.lanes().map(([name, b]) => [name, b.inUse, b.queued])).toEqual([
      ['patients', 0, 0],
      ['clinicians', 0, 0],
      ['analytics-light', 0, 0],
      ['analytics-heavy', 0, 0],
    ]);
  });

  it("admits patients and clinicians by role, and never lets an analyst's operation past by role alone", async () => {
    const bulkheads = new Bulkheads({ ...BULKHEAD_LIMITS, analytics: { concurrent: 1, queued: 0, waitMs: 60_000 } });
    expect(['patient', 'app', 'clinician', 'nhse'].map((role) => bulkheads.admitsByCost(role as never))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(bulkheads.admitsByCost('analyst')).toBe(true);
    expect(bulkheads.admitsByCost('supplier')).toBe(true);
    // Asked by role, an analyst takes the heavy slot.
    const release = await bulkheads.admit('analyst');
    await expect(bulkheads.admitByCost(5000)).rejects.toBeInstanceOf(BulkheadFull);
    release();
  });
});
