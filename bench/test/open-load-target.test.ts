import type { LoadFigures } from '../open-load/generator';
import { targetHolds, type OpenLoadLevel, type OpenLoadResults } from '../open-load/open-load-results';
import { TARGET_KIND } from '../open-load/mix';

/** A run at `share` whose first page's p99 is `p99Ms`, with `errors` errors. Only what the target reads. */
function level(share: number, round: number, p99Ms: number, errors = 0): OpenLoadLevel {
  const latency = { count: 100, p50Ms: 5, p99Ms, p999Ms: p99Ms, maxMs: p99Ms };
  const figures = { errors, wrong: 0, kinds: [{ name: TARGET_KIND, latency }] } as unknown as LoadFigures;
  return { share, round, figures, cores: {}, waits: {} };
}
const results = (levels: OpenLoadLevel[]) => ({ levels }) as unknown as OpenLoadResults;

describe("the open load's target, judged over a level's rounds", () => {
  it("takes the median of the 50 % runs' first-page p99, whatever the other levels did", () => {
    const judged = targetHolds(
      results([level(0.25, 1, 90), level(0.5, 1, 62), level(0.5, 2, 31), level(0.75, 1, 200), level(0.5, 3, 44)]),
    );
    expect(judged).toEqual({ p99Ms: 44, runsP99Ms: [62, 31, 44], holds: true });
  });

  it('of an even number of runs, takes the higher middle', () => {
    expect(targetHolds(results([level(0.5, 1, 30), level(0.5, 2, 55)]))).toMatchObject({ p99Ms: 55, holds: false });
  });

  it('does not hold at 50 ms, or with an error in any run, or without a 50 % run', () => {
    expect(targetHolds(results([level(0.5, 1, 50)]))?.holds).toBe(false);
    expect(targetHolds(results([level(0.5, 1, 20), level(0.75, 1, 20, 1)]))?.holds).toBe(false);
    expect(targetHolds(results([level(0.25, 1, 20)]))).toBeUndefined();
  });
});
