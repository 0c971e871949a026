// Fidelity in real Chromium: a scripted reading (page 1 for 3 s, page 2 for 6 s, the tab hidden for 5 s, shown
// again, page 3 for 2 s, close) is stored within 10% (or 300 ms) per page, and the hidden time is counted nowhere:
// not in the analytics, the CSV, the visits, nor the visit.ended webhook. Then forwarding with two real browser
// contexts behind X-Forwarded-For, and the webhook settings page at desktop and phone widths.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import type { ActivityEvent } from '../../server/realtime/protocol.ts';
import { build } from '../../viewer/build.ts';
import { createLink, startApp, uploadReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { launchBrowser, screenshot, signIn, watchProblems } from '../helpers/browser.ts';
import { makePdf } from '../helpers/pdf.ts';
import { BROWSER_UA } from '../helpers/sockets.ts';
import { eventually } from '../helpers/wait.ts';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.ts';

let t: TestApp;
let browser: Browser;
let alice: TestSender;
let receiver: Receiver;
let secret: string;

const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
  const res = await fetch(`${t.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json', ...init.headers },
  });
  const text = await res.text();
  return (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T;
};

before(async () => {
  await build({ minify: true });
  t = await startApp({
    TRUST_PROXY: 'loopback',
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_POLL_MS: '100',
    VISIT_REUSE_MINUTES: '0.1',
  });
  alice = await t.sender();
  browser = await launchBrowser();
  receiver = await startReceiver();
  const made = await api<{ secret: string }>('/api/webhooks', {
    method: 'POST',
    body: JSON.stringify({ url: receiver.url, events: ['visit.ended', 'link.forwarded', 'link.opened'] }),
  });
  secret = made.secret;
});
after(async () => {
  await browser?.close();
  await receiver?.close();
  await t?.close();
});

async function openReader(url: string, ip: string, context?: BrowserContext, hidden = false) {
  const ctx =
    context ??
    (await browser.newContext({
      viewport: { width: 1280, height: 800 },
      userAgent: BROWSER_UA,
      extraHTTPHeaders: { 'X-Forwarded-For': ip },
    }));
  const page = await ctx.newPage();
  const problems = await watchProblems(page);
  // A tab in the background from the start: nothing counts until it is shown.
  if (hidden)
    await page.addInitScript(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    });
  await page.goto(url);
  await page.locator('.page[data-page-number="1"] canvas').waitFor({ timeout: 30_000 });
  return { context: ctx, page, problems };
}

/** Runs the reading inside the page, timed by the page's own clock (a round trip to the browser takes a
 * variable while on a loaded machine): the tab starts hidden, is shown on page 1, and ends hidden, as a closing tab
 * is, before the test closes it. Returns the time truly spent on each page. */
function scriptedReading(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const setHidden = (h: boolean) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
      document.dispatchEvent(new Event('visibilitychange'));
    };
    const goTo = (n: number) => {
      document.querySelector(`.page[data-page-number="${n}"]`)?.scrollIntoView({ block: 'start' });
      document.dispatchEvent(new PointerEvent('pointermove', { bubbles: true }));
    };
    goTo(1);
    await sleep(300);
    let mark = performance.now();
    setHidden(false);
    await sleep(3000);
    goTo(2);
    const p1 = performance.now() - mark;
    mark = performance.now();
    await sleep(6000);
    setHidden(true);
    let p2 = performance.now() - mark;
    await sleep(5000);
    mark = performance.now();
    setHidden(false);
    goTo(3);
    p2 += performance.now() - mark;
    mark = performance.now();
    await sleep(2000);
    setHidden(true);
    return [p1, p2, performance.now() - mark];
  });
}

const within = (got: number, truth: number) => Math.abs(got - truth) <= Math.max(truth * 0.1, 300);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('reading fidelity', () => {
  it('stores per-page times within 10% and counts the hidden time nowhere', async (ctx) => {
    const docId = await uploadReady(t, alice.token, makePdf(4, { text: (p) => `Fidelity page ${p}` }), 'Fidelity.pdf');
    const link = await createLink(t, alice.token, docId, { recipient: 'reader@example.org' });
    const { context, page, problems } = await openReader(link.url, '203.0.113.5', undefined, true);
    const truth = await scriptedReading(page);
    await page.close({ runBeforeUnload: true });
    assert.deepEqual(problems.list(), []);
    await context.close();

    const ended = await eventually(
      () =>
        receiver.got
          .map((d) => JSON.parse(d.body))
          .find((b) => b.type === 'visit.ended' && b.data.documentId === docId),
      30_000,
      'the visit.ended webhook',
    );
    const events = (await api<{ events: ActivityEvent[] }>(`/api/documents/${docId}/events`)).events;
    const fromEvents = [1, 2, 3].map((p) =>
      events.filter((e) => e.type === 'page_view' && e.page === p).reduce((s, e) => s + (e.durationMs ?? 0), 0),
    );
    const analytics = await api<{ totalMs: number; pages: { page: number; totalMs: number }[] }>(
      `/api/documents/${docId}/analytics`,
    );
    const csv = (await api<string>(`/api/documents/${docId}/pages.csv`)).trim().split('\r\n').slice(1);
    const fromCsv = csv.map((l) => Number(l.split(',')[1]));
    const fromHook = [1, 2, 3].map(
      (p) => (ended.data.pages as { page: number; durationMs: number }[]).find((x) => x.page === p)?.durationMs ?? 0,
    );
    const report = `truth ${truth} events ${fromEvents} analytics ${analytics.pages.map((p) => p.totalMs)} csv ${fromCsv} webhook ${fromHook}`;
    for (let i = 0; i < 3; i++) {
      assert.ok(within(fromEvents[i]!, truth[i]!), `page ${i + 1}: ${report}`);
      assert.equal(analytics.pages[i]!.totalMs, fromEvents[i], report);
      assert.equal(fromCsv[i], fromEvents[i], report);
      assert.equal(fromHook[i], fromEvents[i], report);
    }
    assert.equal(fromCsv[3], 0, 'page 4 never read');
    // The 5 s hidden would push page 2 far past its 10%: it is in none of them.
    assert.ok(fromEvents[1]! < 6000 * 1.1 + 300, report);
    assert.equal(ended.data.totalMs, analytics.totalMs);
    const visitsCsv = (await api<string>(`/api/documents/${docId}/visits.csv`)).trim().split('\r\n');
    assert.equal(visitsCsv.length, 2, 'one visit');
    assert.equal(Number(visitsCsv[1]!.split(',')[5]), analytics.totalMs, 'visits.csv duration_ms');
    const hookDelivery = receiver.got.find((d) => d.body.includes('"visit.ended"') && d.body.includes(docId))!;
    new Webhook(secret).verify(hookDelivery.body, hookDelivery.headers as Record<string, string>);
    ctx.diagnostic(report);
  });
});

describe('forwarding in real browsers', () => {
  it('flags a second browser elsewhere, not the first browser coming back', async () => {
    const docId = await uploadReady(t, alice.token, makePdf(2), 'Offer.pdf');
    const link = await createLink(t, alice.token, docId, { recipient: 'ann@example.org' });
    const forwards = async () =>
      (await api<{ events: ActivityEvent[] }>(`/api/documents/${docId}/events`)).events.filter(
        (e) => e.type === 'forward',
      );
    const ann = await openReader(link.url, '203.0.113.5');
    await sleep(500);
    await ann.page.close({ runBeforeUnload: true });
    await eventually(() => t.app.tracker.liveStates === 0, 20_000, 'the first page to be gone');
    const back = await openReader(link.url, '203.0.113.5', ann.context);
    await sleep(500);
    await back.page.close({ runBeforeUnload: true });
    await ann.context.close();
    await eventually(() => t.app.tracker.liveStates === 0, 20_000, 'the second page to be gone');
    assert.equal((await forwards()).length, 0, 'the same browser back is not a forward');
    const cfo = await openReader(link.url, '198.51.100.23');
    await eventually(async () => (await forwards()).length === 1, 20_000, 'the forward event');
    await cfo.context.close();
    const hook = await eventually(
      () =>
        receiver.got
          .map((d) => JSON.parse(d.body))
          .find((b) => b.type === 'link.forwarded' && b.data.documentId === docId),
      20_000,
      'the link.forwarded webhook',
    );
    assert.equal(hook.data.recipient, 'ann@example.org');
    const visits = await t.db.selectFrom('visits').select('id').where('document_id', '=', docId).execute();
    assert.equal(visits.length, 2, 'ann reopening continued her visit; the forward is a visit of its own');
  });
});

describe('webhook settings page', () => {
  it('shows the webhook, its deliveries and the switches at desktop and phone widths', async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    await context.grantPermissions(['notifications'], { origin: t.url });
    // Records what the dashboard hands the Notification API (the real one still runs).
    await context.addInitScript(() => {
      const Real = window.Notification;
      const shown: string[] = [];
      (window as unknown as { __shown: string[] }).__shown = shown;
      window.Notification = class extends Real {
        constructor(title: string, options?: NotificationOptions) {
          shown.push(title);
          super(title, options);
        }
      } as typeof Notification;
    });
    const page = await context.newPage();
    const problems = await watchProblems(page, { ignore: [/status of 401/] });
    await signIn(page, t.url, alice);
    await page.locator('.topbar').waitFor();
    await page.goto(`${t.url}/#/settings`);
    await page.locator('.hook-row').first().waitFor();
    assert.match((await page.locator('.hook-url').first().textContent()) ?? '', /127\.0\.0\.1/);
    await page.click('.hook-row button:has-text("Send test event")');
    await eventually(
      async () => (await page.locator('.delivery code:has-text("webhook.test")').count()) > 0,
      20_000,
      'the test delivery in the log',
    );
    assert.equal(await page.locator('#notify-email').isChecked(), true);
    await page.click('#notify-browser');
    await eventually(() => page.locator('#notify-browser').isChecked(), 10_000, 'the browser notification switch on');
    const docId = await uploadReady(t, alice.token, makePdf(1), 'Ping.pdf');
    const link = await createLink(t, alice.token, docId, { recipient: 'ping@example.org' });
    const reader = await openReader(link.url, '203.0.113.9');
    const shown = await eventually(
      async () =>
        ((await page.evaluate(() => (window as unknown as { __shown: string[] }).__shown)) as string[]).find((s) =>
          s.includes('ping@example.org opened'),
        ),
      20_000,
      'a browser notification for the open',
    );
    assert.match(shown, /Ping\.pdf/);
    await reader.context.close();
    await screenshot(page, 'settings-webhooks-desktop');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'settings-webhooks-phone');
    assert.deepEqual(problems.list(), []);
    await context.close();
  });
});
