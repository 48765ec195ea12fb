import { escapeHtml } from './html-escape';
import { formatCount, formatLongDay, formatShortDay, reportDay } from './report-format';
import { ROLLOUT_STATES, sumCounts, type RolloutCounts, type RolloutTimelinePoint } from './rollout-states';

/**
 * The weekly timeline as an inline SVG: one stacked bar per point (enabled at the bottom, then
 * scheduled, paused, not scheduled), y ticks in practices, a date under every few bars, and a
 * legend. Pure: points in, markup out; every number is placed here, nothing by a library.
 */
export interface ChartLayout {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

export const CHART_LAYOUT: ChartLayout = { width: 960, height: 420, margin: { top: 64, right: 24, bottom: 56, left: 72 } };

/** The x labels need about this much room each ("12 Dec" and a year under it). */
const LABEL_ROOM = 56;
/** Week-friendly label steps: every week, fortnight, four weeks, quarter, half year, year. */
const LABEL_STEPS = [1, 2, 4, 13, 26, 52];
const AXIS = '#4c6272';
const GRID = '#d8dde0';
const TEXT = '#212b32';

/** Each point's counts over all its groups: the national picture whatever the grouping. */
export const stackTimeline = (points: readonly RolloutTimelinePoint[]): { at: string; counts: RolloutCounts }[] =>
  points.map((point) => ({ at: point.at, counts: sumCounts(point.counts, 'ENGLAND', 'England') }));

/**
 * Round ticks from 0 to just above max: the smallest step of 1, 2 or 5 times a power of ten
 * (whole practices) that needs at most `most` intervals, so the bars fill most of the height.
 */
export function niceTicks(max: number, most = 7): number[] {
  const top = Math.max(max, 1);
  let step = 1;
  for (let magnitude = 1; Math.ceil(top / step) > most; magnitude *= 10) {
    step = [1, 2, 5, 10].map((nice) => nice * magnitude).find((s) => Math.ceil(top / s) <= most) ?? 10 * magnitude;
  }
  return Array.from({ length: Math.ceil(top / step) + 1 }, (_, i) => i * step);
}

/** Which points get a date under them: counted back from the last, so the report's own day is labelled. */
export function labelledIndexes(count: number, room: number): number[] {
  const most = Math.max(1, Math.floor(room / LABEL_ROOM));
  const step = LABEL_STEPS.find((s) => Math.ceil(count / s) <= most) ?? Math.ceil(count / most);
  const indexes: number[] = [];
  for (let i = count - 1; i >= 0; i -= step) indexes.unshift(i);
  return indexes;
}

const n = (value: number): string => String(Math.round(value * 100) / 100);

/** Words for a screen reader: the period and where each state ended. */
export function describeChart(points: readonly RolloutTimelinePoint[]): { title: string; description: string } {
  const title = 'Practices by access state, week by week';
  const stacked = stackTimeline(points);
  const first = stacked[0];
  const last = stacked.at(-1);
  if (!first || !last) return { title, description: 'No figures for this period.' };
  const states = ROLLOUT_STATES.map((state) => `${formatCount(last.counts[state.field])} ${state.label.toLowerCase()}`);
  return {
    title,
    description:
      `${stacked.length} weekly figures from ${formatLongDay(reportDay(first.at))} to ${formatLongDay(reportDay(last.at))}. ` +
      `Enabled went from ${formatCount(first.counts.enabled)} to ${formatCount(last.counts.enabled)}. ` +
      `At the last week: ${states.join(', ')}, of ${formatCount(last.counts.total)} practices.`,
  };
}

function legend(layout: ChartLayout): string {
  let x = layout.margin.left;
  return ROLLOUT_STATES.map((state) => {
    const item =
      `<g class="legend-item" data-state="${state.field}" transform="translate(${x},14)">` +
      `<rect width="16" height="16" rx="2" fill="${state.colour}"/>` +
      `<text x="22" y="13">${escapeHtml(state.label)}</text></g>`;
    x += 34 + state.label.length * 8;
    return item;
  }).join('');
}

export function renderRolloutChart(points: readonly RolloutTimelinePoint[], layout: ChartLayout = CHART_LAYOUT): string {
  const { width, height, margin } = layout;
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const bottom = margin.top + plotHeight;
  const stacked = stackTimeline(points);
  const ticks = niceTicks(Math.max(0, ...stacked.map((point) => point.counts.total)));
  const yMax = ticks.at(-1)!;
  const y = (count: number) => bottom - (count / yMax) * plotHeight;
  const { title, description } = describeChart(points);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" id="rollout-chart" class="chart" viewBox="0 0 ${width} ${height}" ` +
      `width="${width}" height="${height}" role="img" aria-labelledby="rollout-chart-title rollout-chart-desc" ` +
      `font-family="Arial, Helvetica, sans-serif" font-size="13" fill="${TEXT}">`,
    `<title id="rollout-chart-title">${escapeHtml(title)}</title>`,
    `<desc id="rollout-chart-desc">${escapeHtml(description)}</desc>`,
    `<g class="legend">${legend(layout)}</g>`,
    `<text x="${margin.left - 10}" y="${margin.top - 14}" text-anchor="end" font-size="12">Practices</text>`,
  ];

  // Y axis: a grid line and a count at every tick.
  parts.push('<g class="y-axis" font-size="12" text-anchor="end">');
  for (const tick of ticks) {
    const ty = n(y(tick));
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${ty}" y2="${ty}" stroke="${GRID}" shape-rendering="crispEdges"/>`,
      `<text x="${margin.left - 10}" y="${ty}" dy="4">${formatCount(tick)}</text>`,
    );
  }
  parts.push('</g>');

  if (stacked.length === 0) {
    parts.push(
      `<text class="empty" x="${n(margin.left + plotWidth / 2)}" y="${n(margin.top + plotHeight / 2)}" text-anchor="middle" font-size="16">` +
        'No figures for this period</text>',
    );
  }

  // The bars: one group per state, one rect per point (zero-high where the state had none).
  const band = plotWidth / Math.max(stacked.length, 1);
  const barWidth = Math.max(1, band * 0.76);
  const below = stacked.map(() => 0);
  for (const state of ROLLOUT_STATES) {
    parts.push(`<g class="series" data-state="${state.field}" fill="${state.colour}" shape-rendering="crispEdges">`);
    stacked.forEach((point, i) => {
      const value = point.counts[state.field];
      const top = y(below[i]! + value);
      const tip = `${formatLongDay(reportDay(point.at))}: ${formatCount(value)} ${state.label.toLowerCase()}`;
      parts.push(
        `<rect x="${n(margin.left + i * band + (band - barWidth) / 2)}" y="${n(top)}" width="${n(barWidth)}" ` +
          `height="${n(y(below[i]!) - top)}"><title>${escapeHtml(tip)}</title></rect>`,
      );
      below[i]! += value;
    });
    parts.push('</g>');
  }

  // X axis: the baseline, and a date under every few bars; the year under the first and at each new year.
  parts.push(
    `<line x1="${margin.left}" x2="${width - margin.right}" y1="${bottom}" y2="${bottom}" stroke="${AXIS}" shape-rendering="crispEdges"/>`,
    '<g class="x-axis" font-size="12" text-anchor="middle">',
  );
  let shownYear: number | null = null;
  for (const i of labelledIndexes(stacked.length, plotWidth)) {
    const day = reportDay(stacked[i]!.at);
    const cx = n(margin.left + (i + 0.5) * band);
    const year = day.getUTCFullYear() === shownYear ? '' : `<tspan x="${cx}" dy="16">${day.getUTCFullYear()}</tspan>`;
    shownYear = day.getUTCFullYear();
    parts.push(
      `<line x1="${cx}" x2="${cx}" y1="${bottom}" y2="${bottom + 5}" stroke="${AXIS}"/>`,
      `<text x="${cx}" y="${bottom + 20}">${formatShortDay(day)}${year}</text>`,
    );
  }
  parts.push('</g></svg>');
  return parts.join('\n');
}
