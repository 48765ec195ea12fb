import type { Browser, Page } from 'playwright-core';
import { startWebServer, type WebHandle } from '../../clients/web/web-server';
import { describeWithBrowser, launchChromium } from '../helpers/browser';
import { freePort } from '../helpers/ports';
import { Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * The example web client as people use it, in headless Chromium (Debian's, never a downloaded
 * build): served from its own origin, it calls the gateway across origins, so the browser's
 * CORS checks are real. A patient signs in with a development token and pages through their
 * record; a clinician previews a patient entry by entry; a page served from an origin the
 * gateway does not list gets nothing.
 */
const PATIENT = '9990001375';

describeWithBrowser("the example web client's browser test")('the example web client in a browser', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  let web: WebHandle;
  let stranger: WebHandle;
  let browser: Browser;
  /** Every request a page made, by origin, and what the browser complained about. */
  const requested: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    supergraph = await startSupergraph({
      now: '2026-11-24T12:00:00.000Z',
      demoData: true,
      corsAllowedOrigins: [`http://127.0.0.1:${port}`],
    });
    s = new Scenario(supergraph);
    web = await startWebServer({ host: '127.0.0.1', port, gatewayUrl: supergraph.url });
    // The same pages from an origin the gateway does not list.
    stranger = await startWebServer({ host: '127.0.0.1', port: 0, gatewayUrl: supergraph.url });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.allSettled([web?.stop(), stranger?.stop()]);
    await supergraph?.stop();
  });

  async function open(site: WebHandle, path: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, serviceWorkers: 'block' });
    const page = await context.newPage();
    page.on('request', (request) => requested.push(new URL(request.url()).origin));
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${site.url}${path}`, { waitUntil: 'load' });
    return page;
  }

  async function signIn(page: Page, token: string) {
    await page.getByLabel('Development token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('a patient signs in and sees what they can see online, the gaps, and their newest entries', async () => {
    const page = await open(web, 'patient');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your GP record');
    await signIn(page, await s.token(Scenario.patient(PATIENT)));

    const status = page.getByRole('status');
    await status.filter({ hasText: 'Showing 3 of 5 entries.' }).waitFor();
    const summary = await page.locator('#access-summary').textContent();
    expect(summary).toContain('You can see new entries added to your GP record from 5 December 2022');
    // The practice paused from 1 March to 3 April 2023: the gap is spelled out.
    const gaps = await page.locator('#access-gaps li').allTextContents();
    expect(gaps[0]).toMatch(/^Entries added before 5 December 2022 at 09:\d\d are not shown online\.$/);
    expect(gaps.some((gap) => /from 1 March 2023 at \d\d:\d\d until 3 April 2023 at \d\d:\d\d/.test(gap))).toBe(true);

    const entries = page.getByRole('list').filter({ has: page.getByRole('heading', { level: 3 }) });
    expect(await entries.getByRole('listitem').count()).toBe(3);
    expect(await entries.getByRole('heading', { level: 3 }).allTextContents()).toEqual([
      'Letter from diabetes clinic',
      'Metformin 500 mg tablets',
      'Consultation after the resume',
    ]);
    expect(await entries.getByRole('listitem').first().textContent()).toContain('Letter, added 3 June 2025');
    expect(await page.getByText('Diagnosis during the pause').count()).toBe(0);
  }, 30_000);

  it('"Show more entries" adds the next page below, until every entry is shown', async () => {
    const page = await open(web, 'patient');
    await signIn(page, await s.token(Scenario.patient(PATIENT)));
    const status = page.getByRole('status');
    await status.filter({ hasText: /Showing 3 of/ }).waitFor();
    const total = Number(/of (\d+) entries/.exec((await status.textContent())!)![1]);
    const titles = page.locator('#entries li h3');
    const firstPage = await titles.allTextContents();

    const more = page.getByRole('button', { name: 'Show more entries' });
    while (await more.isVisible()) {
      const before = await titles.count();
      await more.click();
      await page.waitForFunction((n) => document.querySelectorAll('#entries li').length > n, before);
    }
    await status.filter({ hasText: `Showing all ${total} entries.` }).waitFor();
    const all = await titles.allTextContents();
    expect(all).toHaveLength(total);
    expect(all.slice(0, 3)).toEqual(firstPage);
    expect(new Set(all).size).toBe(total);
    expect(all).toEqual(expect.arrayContaining(['HbA1c', 'Consultation after the resume', 'Appointment booked after switch-on']));
  }, 30_000);

  it('a patient at NHS login P5 is told why they cannot see the record, with a reference', async () => {
    const page = await open(web, 'patient');
    await signIn(page, await s.token(Scenario.patient(PATIENT, 'P5')));
    const alert = page.getByRole('alert');
    await alert.filter({ hasText: 'proved who you are in NHS login (P9)' }).waitFor();
    expect(await alert.textContent()).toMatch(/\(Reference: \S+\)$/);
    expect(await page.locator('#record').isVisible()).toBe(false);
  }, 30_000);

  it("a clinician previews a patient's record: each entry, shown or not, and why not", async () => {
    const page = await open(web, 'clinician');
    await signIn(page, await s.token(Scenario.clinician('B84010')));
    await page.getByLabel("Patient's NHS number").fill('999 000 1375');
    await page.getByRole('button', { name: 'Preview record' }).click();
    const status = page.getByRole('status');
    await status.filter({ hasText: /Showing 10 of 12 entries/ }).waitFor();
    await page.getByRole('button', { name: 'Show more entries' }).click();
    await status.filter({ hasText: 'Showing all 12 entries.' }).waitFor();

    const row = (title: string) =>
      page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: title, exact: true }) });
    const cells = async (title: string) => (await row(title).getByRole('cell').allTextContents()).slice(2);
    expect(await cells('Metformin 500 mg tablets')).toEqual(['Yes', '']);
    const [sees, why] = await cells('Diagnosis during the pause');
    expect(sees).toBe('No');
    expect(why).toMatch(/\S/);
    expect((await cells('Consultation (do not show online)'))[0]).toBe('No');
    expect(await row('Thyroid function').getByRole('cell').nth(1).textContent()).toBe('Not filed yet');
    expect(await page.locator('#access-summary').textContent()).toContain(
      'The patient sees entries that became available from 5 December 2022',
    );
  }, 30_000);

  it('a page from an origin the gateway does not list is refused by the browser, and says the service could not be reached', async () => {
    const page = await open(stranger, 'patient');
    const refusals: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') refusals.push(message.text());
    });
    const reached = await supergraph.reachedDuring(async () => {
      await signIn(page, await s.token(Scenario.patient(PATIENT)));
      await page.getByRole('alert').filter({ hasText: 'The service could not be reached' }).waitFor();
    });
    expect(reached.reached).toEqual({});
    expect(refusals.some((text) => /CORS|Access-Control-Allow-Origin/.test(text))).toBe(true);
    expect(await page.locator('#entries li').count()).toBe(0);
  }, 30_000);

  it('the pages asked only their own origin and the gateway, and nothing went wrong in them', () => {
    const allowed = new Set([web.origin, stranger.origin, new URL(supergraph.url).origin]);
    expect(requested.filter((origin) => !allowed.has(origin))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
