import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { CHART_LAYOUT } from '../../clients/report/rollout-chart';
import { renderReport } from '../../clients/report/render-report';
import { ROLLOUT_STATES, type StateField } from '../../clients/report/rollout-states';
import { describeWithBrowser, launchChromium } from '../helpers/browser';
import { counts, ICBS, reportFixture } from '../helpers/rollout-report-fixture';

/**
 * The report as an analyst sees it: written to a file, opened from file:// in headless
 * Chromium (Debian's, never a downloaded build), looked at through the DOM and through a
 * screenshot of the chart whose pixels are counted by colour.
 */
const HOSTILE = 'NHS <script>alert("owned")</script> Frimley & Surrey ICB';

describeWithBrowser("the report's browser test")('the rollout report in a browser', () => {
  const input = reportFixture({
    byIcb: [...reportFixture().byIcb, counts('QNX', HOSTILE, { enabled: 3, scheduled: 1, paused: 0, notScheduled: 2 })],
  });
  const dir = mkdtempSync(join(tmpdir(), 'rollout-report-'));
  const file = join(dir, 'rollout-2024-06-01.html');
  const pageUrl = pathToFileURL(file).href;
  const requests: string[] = [];
  const problems: string[] = [];
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    writeFileSync(file, renderReport(input));
    browser = await launchChromium();
    // bypassCSP: the report's own policy would quietly block a stray fetch; here every attempt is seen.
    const context = await browser.newContext({
      viewport: { width: 1100, height: 900 },
      bypassCSP: true,
      serviceWorkers: 'block',
    });
    await context.route('**/*', (route) => (route.request().url() === pageUrl ? route.continue() : route.abort()));
    page = await context.newPage();
    page.on('request', (request) => {
      if (request.url() !== pageUrl) requests.push(request.url());
    });
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(pageUrl, { waitUntil: 'load' });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('draws the chart at a real size', async () => {
    const box = await page.locator('#rollout-chart').boundingBox();
    expect(box?.width).toBeGreaterThan(800);
    expect(box?.height).toBeGreaterThan(300);
  });

  it('shows a legend with all four states', async () => {
    const legend = page.locator('#rollout-chart .legend-item');
    expect(await legend.locator('text').allTextContents()).toEqual(['Enabled', 'Scheduled', 'Paused', 'Not scheduled']);
    for (const item of await legend.all()) expect(await item.isVisible()).toBe(true);
  });

  it('draws four series of 53 bars', async () => {
    const series = page.locator('#rollout-chart .series');
    expect(await series.count()).toBe(4);
    for (const state of ROLLOUT_STATES) {
      expect(await page.locator(`#rollout-chart .series[data-state="${state.field}"] rect`).count()).toBe(53);
    }
  });

  it('lists every ICB once, sorted by name, the hostile name shown as text and never run', async () => {
    const names = await page.locator('#icb-table tbody th').allTextContents();
    expect(names).toEqual([...ICBS.map(([, name]) => name), HOSTILE].sort((a, b) => a.localeCompare(b, 'en-GB')));
    expect(await page.locator('#icb-table tbody tr').count()).toBe(ICBS.length + 1);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('#icb-table tfoot th').textContent()).toBe('England');
  });

  it('keeps the chart’s table folded away until asked for', async () => {
    const table = page.locator('#timeline-table');
    expect(await table.isVisible()).toBe(false);
    await page.locator('details summary').click();
    expect(await table.isVisible()).toBe(true);
    expect(await table.locator('tbody tr').count()).toBe(53);
    await page.locator('details summary').click();
  });

  it('renders the chart in its colours: enabled growing to the right, not scheduled shrinking', async () => {
    const shot = join(dir, 'rollout-chart.png');
    const png = PNG.sync.read(await page.locator('#rollout-chart').screenshot({ path: shot }));
    await page.screenshot({ path: join(dir, 'rollout-report.png'), fullPage: true });
    console.log(`Chart screenshot: ${shot}\nWhole page: ${join(dir, 'rollout-report.png')}`);

    // The plot area in screenshot pixels (the SVG is scaled to its panel's width).
    const scale = png.width / CHART_LAYOUT.width;
    const { margin, width, height } = CHART_LAYOUT;
    const [left, right] = [Math.ceil(margin.left * scale), Math.floor((width - margin.right) * scale)];
    const [top, bottom] = [Math.ceil(margin.top * scale), Math.floor((height - margin.bottom) * scale)];
    const middle = Math.round((left + right) / 2);
    const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const colours = ROLLOUT_STATES.map((state) => ({ field: state.field, rgb: rgb(state.colour) }));
    const found = Object.fromEntries(ROLLOUT_STATES.map((s) => [s.field, { left: 0, right: 0 }])) as Record<
      StateField,
      { left: number; right: number }
    >;
    for (let y = top; y < bottom; y += 1) {
      for (let x = left; x < right; x += 1) {
        const at = (y * png.width + x) * 4;
        const pixel = [png.data[at]!, png.data[at + 1]!, png.data[at + 2]!];
        const match = colours.find((c) => c.rgb.every((channel, k) => Math.abs(channel - pixel[k]!) <= 10));
        if (match) found[match.field][x < middle ? 'left' : 'right'] += 1;
      }
    }
    // What each state should cover: its bars' area over the plot's (bars fill 76% of each band).
    const points = input.timeline.map((point) => point.counts[0]!);
    const yMax = 7000;
    const plotPixels = (right - left) * (bottom - top);
    const shares = ROLLOUT_STATES.map((state) => ({
      state: state.field,
      share: (found[state.field].left + found[state.field].right) / plotPixels,
      expected: (0.76 * points.reduce((sum, p) => sum + p[state.field], 0)) / points.length / yMax,
    }));
    console.log(
      `Share of the plot's pixels: ${shares.map((s) => `${s.state} ${(s.share * 100).toFixed(1)}% (expected ${(s.expected * 100).toFixed(1)}%)`).join(', ')}`,
    );
    for (const { share, expected } of shares) {
      expect(share).toBeGreaterThan(expected * 0.9);
      expect(share).toBeLessThan(expected * 1.1);
    }
    expect(found.enabled.right).toBeGreaterThan(found.enabled.left * 2);
    expect(found.notScheduled.left).toBeGreaterThan(found.notScheduled.right * 1.5);
  });

  it('asked for nothing over the network, and had nothing to complain about', () => {
    expect(requests).toEqual([]);
    expect(problems).toEqual([]);
  });
});
