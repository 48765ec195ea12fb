import {
  CHART_LAYOUT,
  describeChart,
  labelledIndexes,
  niceTicks,
  renderRolloutChart,
  stackTimeline,
} from '../../../clients/report/rollout-chart';
import { ROLLOUT_STATES, type RolloutTimelinePoint } from '../../../clients/report/rollout-states';
import { counts, REPORT_AS_OF, weeklyTimeline } from '../../helpers/rollout-report-fixture';
import { seriesBars, seriesFill } from './svg-parts';

const { width, height, margin } = CHART_LAYOUT;
const bottom = height - margin.bottom;
const plotHeight = bottom - margin.top;
const near = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(0.02);

describe('the rollout chart', () => {
  const timeline = weeklyTimeline();
  const svg = renderRolloutChart(timeline);
  const bars = seriesBars(svg);

  it('draws one bar per week in each of the four states, in its own colour', () => {
    expect([...bars.keys()]).toEqual(['enabled', 'scheduled', 'paused', 'notScheduled']);
    for (const state of ROLLOUT_STATES) {
      expect(bars.get(state.field)).toHaveLength(53);
      expect(seriesFill(svg, state.field)).toBe(state.colour);
    }
  });

  it('stacks each week from the axis up: enabled, then scheduled, paused, not scheduled, each on the one below', () => {
    const yMax = niceTicks(6420).at(-1)!;
    timeline.forEach((point, i) => {
      let base = bottom;
      for (const state of ROLLOUT_STATES) {
        const bar = bars.get(state.field)![i]!;
        near(bar.y + bar.height, base);
        near(bar.height, (point.counts[0]![state.field] / yMax) * plotHeight);
        base = bar.y;
      }
      // The whole stack is the week's practices.
      near(bottom - base, (point.counts[0]!.total / yMax) * plotHeight);
    });
  });

  it('puts the bars side by side across the plot, in order, without overlapping', () => {
    const enabled = bars.get('enabled')!;
    expect(enabled[0]!.x).toBeGreaterThanOrEqual(margin.left);
    expect(enabled.at(-1)!.x + enabled.at(-1)!.width).toBeLessThanOrEqual(width - margin.right);
    for (let i = 1; i < enabled.length; i += 1) {
      expect(enabled[i]!.x).toBeGreaterThan(enabled[i - 1]!.x + enabled[i - 1]!.width);
    }
  });

  it('scales so the tallest week reaches the top tick exactly when it equals it', () => {
    const full = [
      {
        at: REPORT_AS_OF,
        counts: [counts('ENGLAND', 'England', { enabled: 3000, scheduled: 2000, paused: 500, notScheduled: 500 })],
      },
    ];
    const one = seriesBars(renderRolloutChart(full));
    expect(niceTicks(6000).at(-1)).toBe(6000);
    near(one.get('notScheduled')![0]!.y, margin.top);
    near(one.get('enabled')![0]!.height, plotHeight / 2);
  });

  it('adds up every group of a point, so an ICB timeline draws the national picture', () => {
    const split: RolloutTimelinePoint[] = [
      {
        at: REPORT_AS_OF,
        counts: [
          counts('QYG', 'Cheshire', { enabled: 10, scheduled: 1, paused: 2, notScheduled: 3 }),
          counts('QOP', 'Manchester', { enabled: 5, scheduled: 4, paused: 0, notScheduled: 1 }),
        ],
      },
    ];
    expect(stackTimeline(split)[0]!.counts).toEqual({
      key: 'ENGLAND',
      label: 'England',
      total: 26,
      enabled: 15,
      scheduled: 5,
      paused: 2,
      notScheduled: 4,
    });
  });

  it('labels the y axis with round counts from 0 to just above the most practices', () => {
    expect(niceTicks(6420)).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000]);
    expect(niceTicks(8)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(99)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0)).toEqual([0, 1]);
    const labels = [...svg.matchAll(/<text x="\d+" y="[\d.]+" dy="4">([\d,]+)<\/text>/g)].map((m) => m[1]);
    expect(labels).toEqual(['0', '1,000', '2,000', '3,000', '4,000', '5,000', '6,000', '7,000']);
  });

  it('dates every fourth week back from the last, with the year under the first and at the new year', () => {
    expect(labelledIndexes(53, width - margin.left - margin.right)).toEqual([
      0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52,
    ]);
    const axis = /<g class="x-axis"[\s\S]*?<\/g>/.exec(svg)![0];
    const dates = [...axis.matchAll(/<text x="[\d.]+" y="[\d.]+">([^<]+)(?:<tspan[^>]*>(\d{4})<\/tspan>)?<\/text>/g)];
    expect(dates.map((m) => m[1])).toHaveLength(14);
    // --asOf 2024-06-01 is 2024-06-02T00:00Z: the last bar is 1 June, the first 52 weeks before.
    expect(dates.at(-1)![1]).toBe('1 Jun');
    expect(dates[0]![1]).toBe('3 Jun');
    expect(dates.filter((m) => m[2]).map((m) => `${m[1]} ${m[2]}`)).toEqual(['3 Jun 2023', '13 Jan 2024']);
  });

  it('keeps the dates apart however many points there are', () => {
    const room = width - margin.left - margin.right;
    for (const count of [1, 2, 13, 27, 53, 60, 105, 366, 1000]) {
      const shown = labelledIndexes(count, room);
      expect(shown.at(-1)).toBe(count - 1);
      const gap = Math.min(...shown.slice(1).map((index, k) => index - shown[k]!));
      if (shown.length > 1) expect((gap * room) / count).toBeGreaterThanOrEqual(56);
    }
  });

  it('has a legend naming the four states and words for a screen reader', () => {
    const legend = [
      ...svg.matchAll(/<g class="legend-item" data-state="(\w+)"[^>]*><rect[^>]*fill="([^"]+)"\/><text[^>]*>([^<]+)</g),
    ];
    expect(legend.map((m) => [m[1], m[2], m[3]])).toEqual(ROLLOUT_STATES.map((s) => [s.field, s.colour, s.label]));
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="rollout-chart-title rollout-chart-desc"/);
    expect(svg).toContain('<title id="rollout-chart-title">Practices by access state, week by week</title>');
    expect(describeChart(timeline).description).toBe(
      '53 weekly figures from 3 June 2023 to 1 June 2024. Enabled went from 348 to 4,252. ' +
        'At the last week: 4,252 enabled, 495 scheduled, 60 paused, 1,613 not scheduled, of 6,420 practices.',
    );
  });

  it('with no points says so and draws no bars', () => {
    const empty = renderRolloutChart([]);
    for (const state of ROLLOUT_STATES) expect(seriesBars(empty).get(state.field)).toEqual([]);
    expect(empty).toContain('No figures for this period');
    expect(empty).toContain('<desc id="rollout-chart-desc">No figures for this period.</desc>');
    expect(empty).not.toMatch(/NaN|Infinity/);
  });

  it('with every count zero draws flat bars on the axis, and no NaN', () => {
    const zeros = weeklyTimeline().map((point) => ({
      at: point.at,
      counts: [counts('ENGLAND', 'England', { enabled: 0, scheduled: 0, paused: 0, notScheduled: 0 })],
    }));
    const flat = renderRolloutChart(zeros);
    expect(flat).not.toMatch(/NaN|Infinity/);
    for (const state of ROLLOUT_STATES) {
      const drawn = seriesBars(flat).get(state.field)!;
      expect(drawn).toHaveLength(53);
      expect(drawn.every((bar) => bar.height === 0 && bar.y === bottom)).toBe(true);
    }
  });

  it('with a single point draws one labelled bar in the middle of the plot', () => {
    const single = renderRolloutChart(weeklyTimeline(REPORT_AS_OF, 0));
    const drawn = seriesBars(single);
    for (const state of ROLLOUT_STATES) expect(drawn.get(state.field)).toHaveLength(1);
    const bar = drawn.get('enabled')![0]!;
    near(bar.x + bar.width / 2, margin.left + (width - margin.left - margin.right) / 2);
    expect(single).toMatch(/>1 Jun<tspan[^>]*>2024<\/tspan><\/text>/);
    expect(single).not.toMatch(/NaN|Infinity/);
  });
});
