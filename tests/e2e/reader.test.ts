// The recipient's reader in real Chromium against the real app: it renders under the CSP, navigates,
// reports page views (socket and beacon), honours download settings and dies with its link.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ActivityEvent } from '../../server/realtime/protocol.ts';
import { build } from '../../viewer/build.ts';
import { startApp, uploadReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { launchBrowser, screenshot, watchProblems } from '../helpers/browser.ts';
import { eventually } from '../helpers/wait.ts';
import { makePdf } from '../helpers/pdf.ts';

let t: TestApp;
let browser: Browser;
let sender: TestSender;
let docId: string;

const PAGES = 6;

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${sender.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (res.status === 204 ? undefined : await res.json()) as T };
}

async function newLink(
  input: { recipient?: string; allowDownload?: boolean } = {},
): Promise<{ id: string; url: string }> {
  const res = await api<{ id: string; url: string }>('POST', `/api/documents/${docId}/links`, input);
  assert.equal(res.status, 201);
  return res.body;
}

async function events(): Promise<ActivityEvent[]> {
  return (await api<{ events: ActivityEvent[] }>('GET', `/api/documents/${docId}/events`)).body.events;
}

/** Opens a link in a fresh context (no sender cookie, so views are not the sender's own). */
async function openReader(
  url: string,
  viewport = { width: 1280, height: 800 },
): Promise<{ context: BrowserContext; page: Page; problems: Awaited<ReturnType<typeof watchProblems>> }> {
  const context = await browser.newContext({
    viewport,
    deviceScaleFactor: viewport.width < 500 ? 2 : 1,
    isMobile: viewport.width < 500,
    hasTouch: viewport.width < 500,
  });
  const page = await context.newPage();
  const problems = await watchProblems(page);
  await page.goto(url);
  await page.locator('.page[data-page-number="1"] canvas').waitFor({ timeout: 30_000 });
  return { context, page, problems };
}

/** A one-page PDF with a URI link annotation and a bare URL in its text (which pdf.js auto-links). */
function linkPdf(): Buffer {
  const content =
    'BT /F1 24 Tf 72 700 Td (Pricing page) Tj ET BT /F1 14 Tf 72 640 Td (See https://example.com/terms for terms) Tj ET';
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R /Annots [6 0 R] >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Annot /Subtype /Link /Rect [72 690 300 730] /Border [0 0 0] /A << /S /URI /URI (https://example.org/pricing) >> >>',
  ];
  let out = '%PDF-1.7\n';
  const offsets = objs.map((body, i) => {
    const at = out.length;
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return at;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const upload = (pdf: Buffer, name: string) => uploadReady(t, sender.token, pdf, name);

before(async () => {
  await build({ minify: true });
  t = await startApp();
  sender = await t.sender('owner@example.org');
  docId = await upload(makePdf(PAGES, { text: (p) => `Quarterly plan - page ${p}` }), 'Q3 Proposal.pdf');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await t?.close();
});

describe('reader', () => {
  it('renders the first page under the page CSP, with toolbar, and no errors (desktop and 375 px)', async () => {
    const link = await newLink({ recipient: 'reader@example.org', allowDownload: true });
    const { context, page, problems } = await openReader(link.url);
    assert.equal(await page.locator('#doc-title').textContent(), 'Q3 Proposal.pdf');
    assert.equal(await page.locator('#page-count').textContent(), String(PAGES));
    assert.equal(await page.locator('#page-number').inputValue(), '1');
    await page.waitForTimeout(300);
    await screenshot(page, 'reader-desktop');
    assert.deepEqual(problems.list(), []);
    await context.close();

    const phone = await openReader(link.url, { width: 375, height: 740 });
    const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `no horizontal overflow on a phone (scrollWidth ${width})`);
    const pageBox = await phone.page.locator('.page[data-page-number="1"]').boundingBox();
    assert.ok(pageBox && pageBox.width > 300 && pageBox.width <= 375, 'fit to width on a phone');
    await phone.page.waitForTimeout(300);
    await screenshot(phone.page, 'reader-phone');
    assert.deepEqual(phone.problems.list(), []);
    await phone.context.close();
  });

  it('navigates with buttons, the page field and the keyboard', async () => {
    const { context, page } = await openReader((await newLink()).url);
    await page.click('#next');
    await eventually(async () => (await page.locator('#page-number').inputValue()) === '2', 30_000, 'page 2');
    await page.keyboard.press('End');
    await eventually(
      async () => (await page.locator('#page-number').inputValue()) === String(PAGES),
      30_000,
      'last page',
    );
    assert.equal(await page.locator('#next').isDisabled(), true);
    await page.keyboard.press('Home');
    await eventually(async () => (await page.locator('#page-number').inputValue()) === '1', 30_000, 'first page');
    await page.fill('#page-number', '4');
    await page.press('#page-number', 'Enter');
    await eventually(async () => (await page.locator('#page-number').inputValue()) === '4', 30_000, 'typed page');
    const before = await page.evaluate(
      () => document.querySelector<HTMLElement>('.page')!.getBoundingClientRect().width,
    );
    await page.keyboard.press('+');
    await eventually(
      async () =>
        (await page.evaluate(() => document.querySelector<HTMLElement>('.page')!.getBoundingClientRect().width)) >
        before,
      30_000,
      'zoom in',
    );
    await context.close();
  });

  it('reports the arrival on each page and the time spent, over the socket', async () => {
    const { context, page } = await openReader((await newLink({ recipient: 'tracked@example.org' })).url);
    await page.waitForTimeout(1200);
    await page.keyboard.press('End');
    const mine = async () => (await events()).filter((e) => e.recipient === 'tracked@example.org');
    const got = await eventually(
      async () => {
        const list = await mine();
        const left1 = list.some((e) => e.type === 'page_view' && e.page === 1 && (e.durationMs ?? 0) >= 1000);
        const on6 = list.some((e) => e.type === 'page_view' && e.page === PAGES && e.durationMs === 0);
        return left1 && on6 ? list : null;
      },
      10_000,
      'page 1 dwell and page 6 arrival',
    );
    assert.ok(
      got.some((e) => e.type === 'open'),
      'an open event starts the visit',
    );
    assert.ok(got.every((e) => e.self === false));
    await context.close();
  });

  it('flushes the last dwell time with a beacon when the page goes away', async () => {
    const { context, page } = await openReader((await newLink({ recipient: 'beacon@example.org' })).url);
    const mine = async () =>
      (await events()).filter((e) => e.recipient === 'beacon@example.org' && e.type === 'page_view');
    await eventually(async () => (await mine()).length > 0, 30_000, 'arrival');
    // Under the 5 s heartbeat, so only the beacon can carry this time.
    await page.waitForTimeout(2500);
    await page.goto('about:blank');
    const dwell = await eventually(
      async () => (await mine()).find((e) => (e.durationMs ?? 0) >= 2000),
      30_000,
      'beacon dwell',
    );
    assert.equal(dwell.page, 1);
    await context.close();
  });

  it('offers the download only when the link allows it, recorded against the visit', async () => {
    const noDl = await openReader((await newLink({ allowDownload: false })).url);
    assert.equal(await noDl.page.locator('#download').count(), 0);
    await noDl.context.close();

    const { context, page } = await openReader(
      (await newLink({ recipient: 'dl@example.org', allowDownload: true })).url,
    );
    await eventually(
      async () => (await page.locator('#download').getAttribute('href'))?.includes('visit='),
      30_000,
      'visit id on the download link',
    );
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    assert.match(download.suggestedFilename(), /\.pdf$/);
    await eventually(
      async () => (await events()).some((e) => e.type === 'download' && e.recipient === 'dl@example.org' && e.visitId),
      30_000,
      'download event',
    );
    await context.close();
  });

  it('opens outbound links in a new tab without opener, referrer or SEO credit', async () => {
    const id = await upload(linkPdf(), 'Links.pdf');
    const res = await api<{ url: string }>('POST', `/api/documents/${id}/links`, {});
    const { context, page } = await openReader(res.body.url);
    const annotation = page.locator('.annotationLayer a[href="https://example.org/pricing"]');
    await annotation.waitFor({ state: 'attached', timeout: 30_000 });
    assert.equal(await annotation.getAttribute('target'), '_blank');
    assert.equal(await annotation.getAttribute('rel'), 'noopener noreferrer nofollow');
    const auto = page.locator(
      '.annotationLayer a[href="https://example.com/terms"], .textLayer a[href="https://example.com/terms"]',
    );
    await auto.first().waitFor({ state: 'attached', timeout: 30_000 });
    assert.equal(await auto.first().getAttribute('rel'), 'noopener noreferrer nofollow');
    await context.close();
  });

  it('tells the reader when the link is revoked while reading, and refuses it afterwards', async () => {
    const link = await newLink({ recipient: 'revoked@example.org' });
    const { context, page } = await openReader(link.url);
    assert.equal((await api('DELETE', `/api/links/${link.id}`)).status, 204);
    await page.locator('#notice:not([hidden])').waitFor({ timeout: 30_000 });
    assert.match((await page.locator('#notice-title').textContent()) ?? '', /no longer available/);
    await screenshot(page, 'reader-revoked');
    const res = await page.goto(link.url);
    assert.ok(res && [404, 410].includes(res.status()));
    assert.match((await page.locator('h1').textContent()) ?? '', /no longer available/);
    await screenshot(page, 'unavailable');
    await context.close();
  });
});
