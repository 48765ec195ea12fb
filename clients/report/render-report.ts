import { escapeHtml } from './html-escape';
import { describeInstant, formatCount, formatLongDay, formatPercent, reportDay } from './report-format';
import { renderRolloutChart, stackTimeline } from './rollout-chart';
import { ROLLOUT_STATES, sumCounts, type RolloutCounts, type RolloutTimelinePoint } from './rollout-states';

/**
 * The rollout report as one self-contained HTML file: inline CSS and SVG only, no script, and
 * a Content-Security-Policy that forbids loading anything, so it opens the same from file://,
 * an email attachment or a shared drive. Every string from data is escaped.
 */
export interface ReportInput {
  /** The instant the figures stand at (ISO). */
  asOf: string;
  generatedAt: string;
  /** Weekly points, asOf − 52 weeks … asOf. */
  timeline: readonly RolloutTimelinePoint[];
  byIcb: readonly RolloutCounts[];
  bySupplier: readonly RolloutCounts[];
  /** Where the figures came from (the gateway's address, never a token). */
  source: string;
}

const byName = (a: RolloutCounts, b: RolloutCounts) => a.label.localeCompare(b.label, 'en-GB') || a.key.localeCompare(b.key);

const STYLE = `
  :root { color: #212b32; background: #f0f4f5; font-family: Arial, Helvetica, sans-serif; line-height: 1.4; }
  body { margin: 0; }
  main { max-width: 1000px; margin: 0 auto; padding: 24px 20px 40px; }
  header { background: #005eb8; color: #fff; }
  header div { max-width: 1000px; margin: 0 auto; padding: 20px; }
  h1 { font-size: 28px; margin: 0; }
  header p { margin: 4px 0 0; font-size: 18px; }
  h2 { font-size: 22px; margin: 32px 0 12px; }
  section.panel { background: #fff; padding: 16px 20px; border-radius: 4px; }
  .headline { display: grid; grid-template-columns: repeat(5, 1fr); gap: 12px; margin: 0; }
  .figure { background: #fff; border-top: 6px solid #425563; padding: 12px 14px; border-radius: 4px; margin: 0; }
  .figure dt { font-size: 15px; }
  .figure dd { margin: 4px 0 0; font-size: 28px; font-weight: bold; font-variant-numeric: tabular-nums; }
  .figure dd small { display: block; font-size: 14px; font-weight: normal; color: #4c6272; }
  .chart { display: block; width: 100%; height: auto; }
  details { margin-top: 12px; }
  summary { cursor: pointer; color: #005eb8; text-decoration: underline; }
  table { border-collapse: collapse; width: 100%; background: #fff; font-variant-numeric: tabular-nums; }
  caption { text-align: left; font-size: 15px; color: #4c6272; padding: 0 0 8px; }
  th, td { padding: 6px 10px; border-bottom: 1px solid #d8dde0; text-align: right; }
  th:first-child, td:first-child, th.text, td.text { text-align: left; }
  thead th { border-bottom: 2px solid #4c6272; vertical-align: bottom; }
  tbody tr:nth-child(even) { background: #f8fafb; }
  tfoot td, tfoot th { font-weight: bold; border-top: 2px solid #4c6272; }
  .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 5px; border-radius: 2px; }
  footer { color: #4c6272; font-size: 14px; margin-top: 32px; border-top: 1px solid #d8dde0; padding-top: 12px; }
  @media (max-width: 760px) { .headline { grid-template-columns: repeat(2, 1fr); } }
  @media print { :root { background: #fff; } header { color: #000; background: #fff; } details { display: none; } }
`;

const swatch = (colour: string) => `<span class="swatch" style="background:${colour}" aria-hidden="true"></span>`;
const stateHeadings = ROLLOUT_STATES.map(
  (state) => `<th scope="col">${swatch(state.colour)}${escapeHtml(state.label)}</th>`,
).join('');
const stateCells = (row: RolloutCounts) => ROLLOUT_STATES.map((state) => `<td>${formatCount(row[state.field])}</td>`).join('');

function headline(total: RolloutCounts): string {
  const figure = (label: string, colour: string, count: number, share: boolean) =>
    `<div class="figure" style="border-top-color:${colour}"><dt>${escapeHtml(label)}</dt>` +
    `<dd>${formatCount(count)}${share ? `<small>${formatPercent(count, total.total)} of practices</small>` : ''}</dd></div>`;
  return (
    '<dl class="headline" id="headline">' +
    figure('Practices', '#425563', total.total, false) +
    ROLLOUT_STATES.map((state) => figure(state.label, state.colour, total[state.field], true)).join('') +
    '</dl>'
  );
}

/** A table of groups at asOf, with England's totals at its foot. */
function countsTable(options: {
  id: string;
  caption: string;
  groupHeading: string;
  rows: readonly RolloutCounts[];
  withCode: boolean;
}) {
  const rows = [...options.rows].sort(byName);
  const total = sumCounts(rows, 'ENGLAND', 'England');
  const codeHeading = options.withCode ? '<th scope="col" class="text">Code</th>' : '';
  const head = `<tr>${codeHeading}<th scope="col" class="text">${options.groupHeading}</th><th scope="col">Practices</th>${stateHeadings}<th scope="col">% enabled</th></tr>`;
  const line = (row: RolloutCounts, cells: string) =>
    `${cells}<td>${formatCount(row.total)}</td>${stateCells(row)}<td>${formatPercent(row.enabled, row.total)}</td>`;
  const body = rows
    .map((row) => {
      const code = options.withCode ? `<td class="text">${escapeHtml(row.key)}</td>` : '';
      return `<tr>${line(row, `${code}<th scope="row" class="text">${escapeHtml(row.label)}</th>`)}</tr>`;
    })
    .join('\n');
  const footLabel = `<th scope="row" class="text"${options.withCode ? ' colspan="2"' : ''}>England</th>`;
  return (
    `<table id="${options.id}"><caption>${escapeHtml(options.caption)}</caption>` +
    `<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n<tfoot><tr>${line(total, footLabel)}</tr></tfoot></table>`
  );
}

/** The chart's figures as a table, for screen readers and anyone who wants the numbers. */
function timelineTable(timeline: readonly RolloutTimelinePoint[]): string {
  const rows = stackTimeline(timeline)
    .map(
      (point) =>
        `<tr><th scope="row">${formatLongDay(reportDay(point.at))}</th>${stateCells(point.counts)}<td>${formatCount(point.counts.total)}</td></tr>`,
    )
    .join('\n');
  return (
    '<details><summary>The chart’s figures as a table</summary>' +
    `<table id="timeline-table"><thead><tr><th scope="col">Week ending</th>${stateHeadings}<th scope="col">Practices</th></tr></thead>` +
    `<tbody>\n${rows}\n</tbody></table></details>`
  );
}

export function renderReport(input: ReportInput): string {
  const at = describeInstant(input.asOf);
  const total = sumCounts(input.byIcb, 'ENGLAND', 'England');
  const csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GP records rollout at ${escapeHtml(formatLongDay(reportDay(input.asOf)))}</title>
<style>${STYLE}</style>
</head>
<body>
<header><div><h1>Patient access to GP records: rollout</h1><p>As at ${escapeHtml(at)}</p></div></header>
<main>
<h2>England at a glance</h2>
${headline(total)}
<h2>The last 52 weeks</h2>
<section class="panel" aria-label="Weekly timeline">
${renderRolloutChart(input.timeline)}
${timelineTable(input.timeline)}
</section>
<h2>By integrated care board</h2>
${countsTable({ id: 'icb-table', caption: `Practices in each ICB by access state, as at ${at}. Sorted by name.`, groupHeading: 'Integrated care board', rows: input.byIcb, withCode: true })}
<h2>By GP system supplier</h2>
${countsTable({ id: 'supplier-table', caption: `Practices on each supplier’s system by access state, as at ${at}. Sorted by name.`, groupHeading: 'Supplier', rows: input.bySupplier, withCode: false })}
<footer>
<p>Generated <time datetime="${escapeHtml(input.generatedAt)}">${escapeHtml(input.generatedAt)}</time>.
Figures as at <time datetime="${escapeHtml(input.asOf)}">${escapeHtml(input.asOf)}</time> (${escapeHtml(at)}).
Source: the supergraph gateway at ${escapeHtml(input.source)}.</p>
<p>A practice counts while it is open. Each practice’s ICB and supplier are as recorded today; its state is as it stood at each instant.</p>
</footer>
</main>
</body>
</html>
`;
}
