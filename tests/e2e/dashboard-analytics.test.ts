// The analytics pages in real Chromium against a real server: a real reader page reads a document (page 2
// longest, then 3, then 1) from a public address, then the document page (chart, map, recipients), the recipient
// timeline and the webhook settings are checked and photographed at 1280 px and 375 px, into a folder under the
// OS temp dir. The chart has one bar per page ordered like the true times, the map a dot, the timeline names
// the recipient and the pages; no horizontal overflow on the phone, no console errors or CSP violations.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { build } from '../../viewer/build.ts';
import { createLink, startApp, uploadReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { launchBrowser, signIn, watchProblems } from '../helpers/browser.ts';
import { makePdf } from '../helpers/pdf.ts';
import { BROWSER_UA } from '../helpers/sockets.ts';
import { eventually } from '../helpers/wait.ts';

const RECIPIENT = 'ann@acme.example';
/** A public address the offline lookup places on the map. */
const READER_IP = '81.2.69.142';
const SHOTS = mkdtempSync(path.join(tmpdir(), 'pagetrail-analytics-shots-'));

let t: TestApp;
let browser: Browser;
let alice: TestSender;
let docId: string;
let truth: number[];

before(async () => {
  await build({ minify: true });
  t = await startApp({ TRUST_PROXY: 'loopback', WEBHOOK_ALLOW_PRIVATE: 'true', VISIT_REUSE_MINUTES: '0.1' });
  alice = await t.sender();
  browser = await launchBrowser();
  await fetch(`${t.url}/api/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: 'http://127.0.0.1:9/hook', events: ['visit.ended', 'link.opened'] }),
  });
  docId = await uploadReady(t, alice.token, makePdf(4, { text: (p) => `Proposal page ${p}` }), 'Proposal.pdf');
  const link = await createLink(t, alice.token, docId, { recipient: RECIPIENT });
  const ctx = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    userAgent: BROWSER_UA,
    extraHTTPHeaders: { 'X-Forwarded-For': READER_IP },
  });
  const reader = await ctx.newPage();
  await reader.goto(link.url);
  await reader.locator('.page[data-page-number="1"] canvas').waitFor({ timeout: 30_000 });
  truth = await read(reader, [300, 7000, 4000]);
  await reader.close({ runBeforeUnload: true });
  await ctx.close();
  await eventually(
    async () => {
      const res = await fetch(`${t.url}/api/documents/${docId}/analytics`, {
        headers: { authorization: `Bearer ${alice.token}` },
      });
      const a = (await res.json()) as { pages: { page: number; totalMs: number }[] };
      return a.pages.find((p) => p.page === 3 && p.totalMs > 0);
    },
    30_000,
    "the reading's time on page 3 in the analytics",
  );
});
after(async () => {
  await browser?.close();
  await t?.close();
});

/** Stays on pages 1, 2, 3 for the given times (timed by the page's clock), then hides the tab as a closing one
 * is; returns the time spent on each page. Page 1 was shown a little before, since it rendered: the plan's gaps
 * (0.3 s, 7 s, 4 s) leave room for that. */
function read(page: Page, ms: number[]): Promise<number[]> {
  return page.evaluate(async (plan) => {
    const sleep = (n: number) => new Promise((r) => setTimeout(r, n));
    const spent: number[] = [];
    for (const [i, wait] of plan.entries()) {
      document.querySelector(`.page[data-page-number="${i + 1}"]`)?.scrollIntoView({ block: 'start' });
      document.dispatchEvent(new PointerEvent('pointermove', { bubbles: true }));
      const mark = performance.now();
      await sleep(wait);
      spent.push(performance.now() - mark);
    }
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
    return spent;
  }, ms);
}

async function shoot(page: Page, name: string): Promise<void> {
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  process.stdout.write(`screenshot: ${file}\n`);
}

/** Photographs at 1280 px, then at 375 px, where nothing may stick out sideways. */
async function bothWidths(page: Page, name: string, ready: () => Promise<unknown>): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 900 });
  await ready();
  await shoot(page, `${name}-1280`);
  await page.setViewportSize({ width: 375, height: 800 });
  await page.waitForTimeout(300);
  await shoot(page, `${name}-375`);
  const { overflow, widest } = await page.evaluate(() => ({
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    // The innermost elements wider than the screen, to name in the failure.
    widest: [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().width > window.innerWidth + 1)
      .filter((e) => ![...e.children].some((c) => c.getBoundingClientRect().width > window.innerWidth + 1))
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
  }));
  assert.ok(overflow <= 0, `${name} overflows a 375 px screen by ${overflow} px: ${widest.join(', ')}`);
}

describe('dashboard analytics pages', () => {
  let page: Page;
  let problems: Awaited<ReturnType<typeof watchProblems>>;

  before(async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    problems = await watchProblems(page, { ignore: [/status of 401/] });
    await signIn(page, t.url, alice);
    await page.locator('.topbar').waitFor();
  });

  it('draws one bar per page ordered like the reading, and a dot on the map', async () => {
    await page.goto(`${t.url}/#/documents/${docId}`);
    const bars = page.locator('.page-chart .chart-bar');
    const heights = await eventually(
      async () => {
        const h = await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('height'))));
        return h.length === 4 && h[2]! > 0 ? h : null;
      },
      30_000,
      'four bars, page 3 read',
    );
    const order = (xs: number[]) => [0, 1, 2].sort((a, b) => xs[b]! - xs[a]!);
    assert.deepEqual(order(heights), order(truth), `bar heights ${heights} against true times ${truth}`);
    assert.equal(heights[3], 0, 'page 4 was never read');
    // Hovering a bar shows that page's own thumbnail, loaded (not a broken image).
    await page.locator('.page-chart .chart-slot').nth(2).hover();
    const thumb = page.locator('.chart-tip .chart-tip-thumb');
    await eventually(
      () => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0 && img.src),
      15_000,
      "page 3's thumbnail in the chart's hover card",
    );
    assert.match((await thumb.getAttribute('src')) ?? '', /\/pages\/3\/thumbnail$/);
    await shoot(page, 'document-chart-hover');
    await page.mouse.move(0, 0);
    await eventually(async () => (await page.locator('.world-map .map-dot').count()) > 0, 15_000, 'a dot on the map');
    assert.match(
      (await page.locator('.recipient-row').first().textContent()) ?? '',
      /ann@acme\.example: ?|3 pages seen/,
    );
    await bothWidths(page, 'document', () => page.locator('.map-dot').first().waitFor());
  });

  it('tells the recipient story from their timeline', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.click(`.recipient-row a[href="#/recipients/${encodeURIComponent(RECIPIENT)}"]`);
    await page.locator('.timeline-item').first().waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('.recipient-page .page-title').textContent(), RECIPIENT);
    const story = (await page.locator('.timeline').textContent()) ?? '';
    assert.match(story, /Proposal\.pdf/);
    assert.match(story, /3 of 4 pages/);
    await bothWidths(page, 'recipient-timeline', () => page.locator('.timeline-item').first().waitFor());
    await page.goto(`${t.url}/#/recipients`);
    await page.locator('.recipients-table td', { hasText: RECIPIENT }).waitFor({ timeout: 15_000 });
  });

  it('shows the webhook settings', async () => {
    await page.goto(`${t.url}/#/settings`);
    await bothWidths(page, 'settings-webhooks', () => page.locator('.hook-row').first().waitFor());
  });

  it('logged no console errors or CSP violations', () => {
    assert.deepEqual(problems.list(), []);
  });
});
