import { renderReport } from '../../../clients/report/render-report';
import { ROLLOUT_STATES } from '../../../clients/report/rollout-states';
import { counts, ICBS, reportFixture, SUPPLIERS } from '../../helpers/rollout-report-fixture';
import { number, seriesBars, tableRows } from './svg-parts';

const HOSTILE = 'NHS <script>alert("owned")</script> Frimley & Surrey ICB';

describe('the rollout report', () => {
  const input = reportFixture();
  const html = renderReport(input);
  const national = input.timeline.at(-1)!.counts[0]!;

  it('opens with the headline figures at asOf, each state with its share of the practices', () => {
    const headline = [...html.matchAll(/<dt>([^<]+)<\/dt><dd>([\d,]+)(?:<small>([^<]+)<\/small>)?<\/dd>/g)].map((m) => [
      m[1],
      m[2],
      m[3],
    ]);
    expect(headline).toEqual([
      ['Practices', '6,420', undefined],
      ['Enabled', '4,252', '66.2% of practices'],
      ['Scheduled', String(national.scheduled), `${((national.scheduled / 6420) * 100).toFixed(1)}% of practices`],
      ['Paused', String(national.paused), `${((national.paused / 6420) * 100).toFixed(1)}% of practices`],
      ['Not scheduled', '1,613', '25.1% of practices'],
    ]);
    expect(html).toContain('<p>As at the end of 1 June 2024</p>');
  });

  it('has one ICB row each, sorted by name, with the columns the analysts asked for', () => {
    const head = tableRows(html, 'icb-table', 'thead')[0]!;
    expect(head).toEqual([
      'Code',
      'Integrated care board',
      'Practices',
      'Enabled',
      'Scheduled',
      'Paused',
      'Not scheduled',
      '% enabled',
    ]);
    const rows = tableRows(html, 'icb-table');
    expect(rows.map((row) => row[1])).toEqual(ICBS.map(([, name]) => name).sort((a, b) => a.localeCompare(b, 'en-GB')));
    const manchester = rows.find((row) => row[0] === 'QOP')!;
    const given = input.byIcb.find((row) => row.key === 'QOP')!;
    expect(manchester).toEqual([
      'QOP',
      'NHS Greater Manchester ICB',
      String(given.total).replace(/\B(?=(\d{3})+$)/, ','),
      String(given.enabled),
      String(given.scheduled),
      String(given.paused),
      String(given.notScheduled),
      `${((given.enabled / given.total) * 100).toFixed(1)}%`,
    ]);
  });

  it.each([
    ['icb-table', 2],
    ['supplier-table', 1],
  ])('%s adds up: each row its states, the foot its rows, and the foot is the headline', (id, first) => {
    const rows = tableRows(html, id);
    const foot = tableRows(html, id, 'tfoot')[0]!;
    // The foot's label spans the code column too, so its figures start at its second cell.
    for (const [row, start] of [...rows.map((row) => [row, first] as const), [foot, 1] as const]) {
      const [total, ...states] = row.slice(start, start + 5).map(number);
      expect(states.reduce((a, b) => a + b, 0)).toBe(total);
    }
    for (let column = 0; column < 5; column += 1) {
      expect(rows.reduce((sum, row) => sum + number(row[first + column]!), 0)).toBe(number(foot[1 + column]!));
    }
    expect(foot).toEqual(['England', '6,420', '4,252', String(national.scheduled), String(national.paused), '1,613', '66.2%']);
  });

  it('has one supplier row each, sorted by name', () => {
    expect(tableRows(html, 'supplier-table').map((row) => row[0])).toEqual(
      SUPPLIERS.map(([, label]) => label).sort((a, b) => a.localeCompare(b, 'en-GB')),
    );
  });

  it('draws the chart, with its figures as a table under a details element', () => {
    expect(seriesBars(html).get('enabled')).toHaveLength(53);
    const weeks = tableRows(html, 'timeline-table');
    expect(weeks).toHaveLength(53);
    expect(weeks.at(-1)).toEqual(['1 June 2024', '4,252', String(national.scheduled), String(national.paused), '1,613', '6,420']);
    expect(html).toMatch(/<details><summary>[^<]+<\/summary><table id="timeline-table">/);
  });

  it('escapes every string from the data, in names, codes and the source', () => {
    const hostile = renderReport(
      reportFixture({
        byIcb: [counts('Q<b>', HOSTILE, { enabled: 1, scheduled: 0, paused: 0, notScheduled: 1 })],
        bySupplier: [counts('EMIS', 'EMIS & <i>Co</i>', { enabled: 1, scheduled: 0, paused: 0, notScheduled: 1 })],
        source: 'gateway.example"><script>x</script>',
      }),
    );
    expect(hostile).not.toMatch(/<script|<b>|<i>/i);
    expect(hostile).toContain('NHS &lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt; Frimley &amp; Surrey ICB');
    expect(hostile).toContain('<td class="text">Q&lt;b&gt;</td>');
    expect(hostile).toContain('EMIS &amp; &lt;i&gt;Co&lt;/i&gt;');
    expect(hostile).toContain('gateway.example&quot;&gt;&lt;script&gt;x&lt;/script&gt;');
    // Every ampersand left starts an entity.
    expect(hostile.match(/&(?!amp;|lt;|gt;|quot;|#39;)/g)).toBeNull();
  });

  it('is self-contained: no script, nothing to fetch, and a policy that forbids fetching', () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|\bsrc=|\bhref=|url\(|@import|@font-face/i);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">`,
    );
  });

  it('says in its footer when it was made, for which instant, and from where, and names no token', () => {
    const footer = /<footer>([\s\S]*?)<\/footer>/.exec(html)![1]!;
    expect(footer).toContain('Generated <time datetime="2024-06-03T08:15:00.000Z">');
    expect(footer).toContain('Figures as at <time datetime="2024-06-02T00:00:00.000Z">');
    expect(footer).toContain('localhost:4000/graphql');
    expect(html).not.toMatch(/bearer|token|eyJ/i);
  });

  it('writes a dash for the share of a group with no practices', () => {
    const empty = renderReport(
      reportFixture({ byIcb: [counts('QXX', 'NHS Nowhere ICB', { enabled: 0, scheduled: 0, paused: 0, notScheduled: 0 })] }),
    );
    expect(tableRows(empty, 'icb-table')[0]).toEqual(['QXX', 'NHS Nowhere ICB', '0', '0', '0', '0', '0', '—']);
  });

  it('renders with no figures at all: zeros, empty tables, and a chart that says so', () => {
    const nothing = renderReport(reportFixture({ timeline: [], byIcb: [], bySupplier: [] }));
    expect(nothing).toContain('No figures for this period');
    expect(tableRows(nothing, 'icb-table')).toEqual([]);
    expect(tableRows(nothing, 'icb-table', 'tfoot')[0]).toEqual(['England', '0', '0', '0', '0', '0', '—']);
    expect(nothing).not.toMatch(/NaN|undefined|Infinity/);
    for (const state of ROLLOUT_STATES) expect(nothing).toContain(`<dt>${state.label}</dt><dd>0<small>— of practices</small>`);
  });
});
