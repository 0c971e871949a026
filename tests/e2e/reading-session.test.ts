// One recipient reading in real Chromium while the sender's feed socket watches live: the events arrive while
// reading (not only after), with durations close to the time spent; a dropped connection loses and doubles nothing;
// a PDF's own JavaScript never runs.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ActivityEvent } from '../../server/realtime/protocol.ts';
import { build } from '../../viewer/build.ts';
import { createLink, startApp, uploadReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { launchBrowser, watchProblems } from '../helpers/browser.ts';
import { eventually } from '../helpers/wait.ts';
import { makePdf } from '../helpers/pdf.ts';
import { BROWSER_UA, collect, connectError, feed, once, viewer, type FeedClient } from '../helpers/sockets.ts';

let t: TestApp;
let browser: Browser;
let alice: TestSender;
let bob: TestSender;
let aliceFeed: FeedClient;
let bobFeed: FeedClient;
let aliceGot: ActivityEvent[];
let bobGot: ActivityEvent[];

const uploadPdf = (pdf: Buffer, name: string) => uploadReady(t, alice.token, pdf, name);

const link = (docId: string, recipient: string) =>
  createLink(t, alice.token, docId, { recipient, allowDownload: true });

/** Opens the reader and waits for page 1's canvas; `shownAt` is when pdf.js laid out page 1 (the moment its time
 * starts counting), read by the page's own clock, since the canvas may come seconds later on a loaded machine. */
async function openReader(
  url: string,
): Promise<{ context: BrowserContext; page: Page; problems: () => string[]; shownAt: number }> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    userAgent: BROWSER_UA,
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems = await watchProblems(page);
  await page.addInitScript(() => {
    const seen = new MutationObserver(() => {
      if (!document.querySelector('.page[data-page-number="1"]')) return;
      (window as unknown as { page1At: number }).page1At = Date.now();
      seen.disconnect();
    });
    seen.observe(document, { childList: true, subtree: true });
  });
  await page.goto(url);
  await page.locator('.page[data-page-number="1"] canvas').waitFor({ timeout: 30_000 });
  const shownAt = await page.evaluate(() => (window as unknown as { page1At: number }).page1At);
  return { context, page, problems: () => problems.list(), shownAt };
}

const mine = (recipient: string) => aliceGot.filter((e) => e.recipient === recipient);
const pageMs = (list: ActivityEvent[], page: number) =>
  list.filter((e) => e.type === 'page_view' && e.page === page).reduce((a, e) => a + (e.durationMs ?? 0), 0);

before(async () => {
  await build({ minify: true });
  t = await startApp();
  alice = await t.sender();
  bob = await t.sender();
  browser = await launchBrowser();
  aliceFeed = feed(t.url, { token: alice.token });
  bobFeed = feed(t.url, { token: bob.token });
  aliceGot = collect(aliceFeed);
  bobGot = collect(bobFeed);
  await Promise.all([once(aliceFeed as never, 'connect'), once(bobFeed as never, 'connect')]);
});
after(async () => {
  aliceFeed?.close();
  bobFeed?.close();
  await browser?.close();
  await t?.close();
});

describe('a reading session on the live feed', () => {
  it('streams open, page arrivals, dwell times and the download while the recipient reads', async () => {
    const docId = await uploadPdf(makePdf(5, { text: (p) => `Proposal page ${p}` }), 'Proposal.pdf');
    const l = await link(docId, 'reader@example.org');
    const { context, page, problems, shownAt: opened } = await openReader(l.url);
    await eventually(async () => mine('reader@example.org').some((e) => e.type === 'open'), 30_000, 'open on the feed');
    const open = mine('reader@example.org').find((e) => e.type === 'open')!;
    assert.equal(open.documentId, docId);
    assert.equal(open.device?.type, 'desktop');
    await eventually(
      async () => mine('reader@example.org').some((e) => e.type === 'page_view' && e.page === 1),
      30_000,
      'arrival on page 1',
    );

    await page.mouse.move(400, 400);
    await page.waitForTimeout(2000);
    const leftPage1At = Date.now();
    await page.locator('.page[data-page-number="3"]').scrollIntoViewIfNeeded();
    await page.mouse.move(500, 400);
    await eventually(
      async () => mine('reader@example.org').some((e) => e.type === 'page_view' && e.page === 3),
      30_000,
      'arrival on page 3',
    );
    const p1 = pageMs(mine('reader@example.org'), 1);
    assert.ok(
      Math.abs(p1 - (leftPage1At - opened)) < 1500,
      `page 1: ${p1} ms recorded vs ~${leftPage1At - opened} ms spent`,
    );

    // Still reading page 3: heartbeats show progress before the reader leaves.
    await page.waitForTimeout(6000);
    const live3 = pageMs(mine('reader@example.org'), 3);
    assert.ok(live3 >= 3000, `page 3 progress while reading: ${live3} ms`);

    await page.click('#download');
    await eventually(
      async () => mine('reader@example.org').some((e) => e.type === 'download'),
      30_000,
      'download on the feed',
    );

    const closedAt = Date.now();
    await context.close();
    await eventually(
      async () => pageMs(mine('reader@example.org'), 3) >= closedAt - leftPage1At - 1500,
      30_000,
      'final dwell on page 3',
    );
    const p3 = pageMs(mine('reader@example.org'), 3);
    assert.ok(
      Math.abs(p3 - (closedAt - leftPage1At)) < 1500,
      `page 3: ${p3} ms recorded vs ${closedAt - leftPage1At} ms spent`,
    );
    assert.equal(pageMs(mine('reader@example.org'), 2) < 1500, true, 'page 2 was only passed over');
    assert.deepEqual(problems(), []);

    const seqs = aliceGot.map((e) => e.seq);
    assert.equal(new Set(seqs).size, seqs.length, 'nothing twice on the feed');
    assert.equal(bobGot.length, 0, "another sender's feed received nothing");
  });

  it('re-sends events whose ack was lost when the connection drops, and the store holds each once', async () => {
    const docId = await uploadPdf(makePdf(4), 'Drop.pdf');
    const l = await link(docId, 'drop@example.org');
    const viewers = t.app.io.of('/viewer');
    let dropped = 0;
    // Cut the transport right after the server takes the first event for page 2: it is stored, its ack is lost.
    const onConnection = (socket: import('socket.io').Socket) => {
      socket.use(([event, input], next) => {
        next();
        if (!dropped && event === 'page:view' && (input as { page?: number })?.page === 2) {
          dropped++;
          setTimeout(() => socket.conn.close(), 0);
        }
      });
    };
    viewers.on('connection', onConnection);
    const { context, page } = await openReader(l.url);
    await page.waitForTimeout(1000);
    await page.locator('.page[data-page-number="2"]').scrollIntoViewIfNeeded();
    await page.mouse.move(300, 300);
    await eventually(async () => dropped === 1, 30_000, 'the drop');
    await page.waitForTimeout(1500);
    await page.locator('.page[data-page-number="4"]').scrollIntoViewIfNeeded();
    await page.mouse.move(310, 310);
    await eventually(
      async () => mine('drop@example.org').some((e) => e.type === 'page_view' && e.page === 4),
      30_000,
      'events after the reconnect',
    );
    viewers.off('connection', onConnection);
    await context.close();
    await new Promise((r) => setTimeout(r, 1000));

    const rows = await t.db
      .selectFrom('events')
      .select(['client_id', 'page', 'visit_id', 'type'])
      .where('document_id', '=', docId)
      .execute();
    const visits = new Set(rows.map((r) => r.visit_id));
    assert.equal(visits.size, 1, 'the reconnect continued the same visit');
    assert.equal(rows.filter((r) => r.type === 'open').length, 1);
    const ids = rows.filter((r) => r.client_id).map((r) => r.client_id);
    assert.equal(new Set(ids).size, ids.length, 'each client event stored once');
    assert.ok(
      rows.some((r) => r.page === 2),
      'the event whose ack was lost is stored',
    );
    assert.ok(rows.some((r) => r.page === 4));
  });

  it('never runs a PDF /OpenAction script', async () => {
    let hits = 0;
    const canary = http.createServer((_req, res) => {
      hits++;
      res.end();
    });
    await new Promise<void>((r) => canary.listen(0, '127.0.0.1', r));
    const port = (canary.address() as AddressInfo).port;
    const js = `app.alert('pwned'); app.launchURL('http://127.0.0.1:${port}/launch', true); this.submitForm('http://127.0.0.1:${port}/submit');`;
    const docId = await uploadPdf(makePdf(2, { openActionJs: js }), 'Scripted.pdf');
    const l = await link(docId, 'script@example.org');
    const { context, page, problems } = await openReader(l.url);
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.waitForTimeout(1500);
    assert.equal(dialogs, 0);
    assert.equal(hits, 0);
    assert.equal(context.pages().length, 1, 'no window opened');
    assert.deepEqual(problems(), []);
    await context.close();
    canary.close();
  });

  it('refuses the viewer socket of a revoked link', async () => {
    const docId = await uploadPdf(makePdf(1), 'Short.pdf');
    const l = await link(docId, 'gone@example.org');
    await fetch(`${t.url}/api/links/${l.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${alice.token}` },
    });
    const v = viewer(t.url, { token: l.token });
    assert.equal((await connectError(v as never)).data?.code, 'link_unavailable');
    v.close();
  });
});
