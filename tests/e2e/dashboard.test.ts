// The sender's dashboard in real Chromium against the real app: sign-in, upload with progress,
// links, the live feed and presence while a recipient reads, revocation; hostile names stay text.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build } from '../../viewer/build.ts';
import { startApp, type TestApp, type TestSender } from '../helpers/app.ts';
import { launchBrowser, screenshot, watchProblems, type Problems } from '../helpers/browser.ts';
import { eventually } from '../helpers/wait.ts';
import { makePdf } from '../helpers/pdf.ts';

let t: TestApp;
let browser: Browser;
let sender: TestSender;
let context: BrowserContext;
let page: Page;
let problems: Problems;
/** The page's websockets (the /feed socket among them) and whether each is closed. */
const sockets: { url: string; closed: boolean }[] = [];

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const HOSTILE = '<img src=x onerror="window.__pwned=1">Plan.pdf';

before(async () => {
  await build({ minify: true });
  t = await startApp();
  sender = await t.sender('owner@example.org');
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
  page = await context.newPage();
  // The sign-in probe answers 401 by design; the browser logs that as a failed resource.
  problems = await watchProblems(page, { ignore: [/status of 401/] });
  page.on('dialog', (dialog) => void dialog.accept());
  page.on('websocket', (ws) => {
    const entry = { url: ws.url(), closed: false };
    sockets.push(entry);
    ws.on('close', () => {
      entry.closed = true;
    });
  });
});

after(async () => {
  await browser?.close();
  await t?.close();
});

describe('dashboard', () => {
  it('signs in, showing the server message on a wrong password', async () => {
    await page.goto(t.url);
    await page.locator('#signin-email').fill(sender.email);
    await page.locator('#signin-password').fill('not the password');
    await page.click('.signin-form button[type=submit]');
    const error = page.locator('.signin-form .form-error');
    await error.waitFor({ state: 'visible' });
    assert.ok(((await error.textContent()) ?? '').length > 0);
    await screenshot(page, 'dashboard-signin-error');
    await page.locator('#signin-password').fill(sender.password);
    await page.click('.signin-form button[type=submit]');
    await page.locator('.topbar').waitFor();
    assert.equal(await page.locator('.user-email').textContent(), sender.email);
    await eventually(async () => (await page.locator('.conn').textContent()) === 'Live', 30_000, 'feed connected');
  });

  it('uploads by file input with progress and shows the document once converted', async () => {
    const pdf = makePdf(5, { text: (p) => `Board update - page ${p}`, padBytes: 200_000 });
    await page.setInputFiles('#file-input', { name: 'Board update.pdf', mimeType: 'application/pdf', buffer: pdf });
    const row = page.locator('.doc-row', { hasText: 'Board update.pdf' });
    await row.waitFor({ timeout: 30_000 });
    await eventually(async () => (await row.locator('.badge').textContent()) === 'Ready', 30_000, 'conversion');
    assert.match((await row.locator('.doc-meta').textContent()) ?? '', /5 pages/);
  });

  it('shows hostile file names as text, never as markup', async () => {
    await page.setInputFiles('#file-input', { name: HOSTILE, mimeType: 'application/pdf', buffer: makePdf(1) });
    const row = page.locator('.doc-row', { hasText: 'Plan.pdf' });
    await row.waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.doc-row img[src="x"]').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.ok(((await row.locator('.doc-name').textContent()) ?? '').includes('<img'));
  });

  let linkUrl = '';
  it('creates a per-recipient link and copies it to the clipboard', async () => {
    await page.locator('.doc-row', { hasText: 'Board update.pdf' }).click();
    await page.locator('.doc-header .page-title').waitFor();
    await page.locator('#link-recipient').fill('reader@example.org');
    await page.locator('#link-download').check();
    await page.click('.link-form button[type=submit]');
    const row = page.locator('.link-row', { hasText: 'reader@example.org' });
    await row.waitFor();
    linkUrl = await row.locator('.link-url').inputValue();
    assert.ok(linkUrl.startsWith(`${t.url}/v/`));
    assert.match((await row.textContent()) ?? '', /download allowed/);
    await row.locator('button', { hasText: 'Copy' }).click();
    await eventually(async () => (await row.textContent())?.includes('Copied'), 30_000, 'copied');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), linkUrl);
  });

  it('shows the recipient opening and reading, live, with presence and per-page time', async () => {
    // A person's phone, not a headless browser (which the server rightly files as automated).
    const readerContext = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      userAgent: IPHONE,
    });
    const reader = await readerContext.newPage();
    await reader.goto(linkUrl);
    await reader.locator('.page[data-page-number="1"] canvas').waitFor({ timeout: 30_000 });
    const feed = page.locator('.feed-list');
    await eventually(
      async () =>
        (await feed.textContent())?.match(/reader@example\.org opened Board update\.pdf on iPhone \(Mobile Safari/),
      30_000,
      'open in feed',
    );
    await eventually(
      async () => (await page.locator('.presence-item').textContent())?.includes('reader@example.org'),
      30_000,
      'presence',
    );
    await reader.waitForTimeout(1500);
    await reader.evaluate(() => document.querySelector('.page[data-page-number="2"]')?.scrollIntoView());
    await eventually(async () => (await feed.textContent())?.match(/spent \d+ s on page 1/), 30_000, 'dwell on page 1');
    await eventually(
      async () => (await page.locator('.presence-page-num').textContent()) === 'Page 2 of 5',
      30_000,
      'presence page',
    );
    // The document page refreshes its numbers after activity.
    await eventually(
      async () =>
        /^[1-9]\d* s$/.test((await page.locator('.page-row').first().locator('.page-time').textContent()) ?? ''),
      30_000,
      'per-page time',
    );
    await screenshot(page, 'dashboard-document');
    await readerContext.close();
    await eventually(async () => (await page.locator('.presence-item').count()) === 0, 30_000, 'presence leave');
  });

  it('revokes the link from the dashboard', async () => {
    const row = page.locator('.link-row', { hasText: 'reader@example.org' });
    await row.locator('button', { hasText: 'Revoke' }).click();
    await eventually(async () => (await row.locator('.badge').textContent()) === 'Revoked', 30_000, 'revoked badge');
    const res = await fetch(linkUrl);
    assert.ok([404, 410].includes(res.status));
  });

  it('lays out on a 375 px phone without horizontal scrolling', async () => {
    await page.goto(`${t.url}/#/`);
    await page.locator('.doc-row').first().waitFor();
    await screenshot(page, 'dashboard-desktop');
    await page.setViewportSize({ width: 375, height: 800 });
    await page.waitForTimeout(200);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `scrollWidth ${width}`);
    await screenshot(page, 'dashboard-phone');
    assert.deepEqual(problems.list(), []);
  });

  it('signs out to the sign-in page, closing the feed socket', async () => {
    const feed = () => sockets.filter((s) => s.url.includes('/socket.io/') && !s.closed);
    assert.ok(feed().length > 0, 'the feed socket is open while signed in');
    await page.locator('.topbar button', { hasText: 'Sign out' }).click();
    await page.locator('.signin-form').waitFor({ timeout: 30_000 });
    await eventually(async () => feed().length === 0, 30_000, 'the feed socket closed on sign-out');
    assert.equal(await page.locator('.topbar').count(), 0);
    const status = await page.evaluate(async () => (await fetch('/api/me')).status);
    assert.equal(status, 401, 'the session ended');
    assert.deepEqual(problems.list(), []);
  });
});
