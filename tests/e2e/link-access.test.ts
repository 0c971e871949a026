// Link access in real Chromium against the real app: a passcode typed into the gate page, the email gate with the
// code read from a real SMTP sink, the watermark over the pages (screenshot), and the reader's file fetched in
// ranges with its visit's file token (no whole-file request).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { build } from '../../viewer/build.ts';
import { createLink, startApp, uploadReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { launchBrowser, screenshot, signIn, watchProblems } from '../helpers/browser.ts';
import { makePdf } from '../helpers/pdf.ts';
import { startSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { eventually } from '../helpers/wait.ts';

let t: TestApp;
let sink: SmtpSink;
let browser: Browser;
let sender: TestSender;
let docId: string;

before(async () => {
  await build();
  sink = await startSink();
  t = await startApp({ SMTP_UPSTREAM_URL: sink.url, ACCESS_CODE_FROM: 'codes@example.org' });
  sender = await t.sender();
  docId = await uploadReady(t, sender.token, makePdf(8, { padBytes: 200_000 }), 'Offer.pdf');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
  await sink?.close();
});

/** Every /file request the page makes, with its status and Range header. */
function fileRequests(page: Page): { status: number; range: string | undefined; token: boolean }[] {
  const seen: { status: number; range: string | undefined; token: boolean }[] = [];
  page.on('response', (res) => {
    if (!res.url().endsWith('/file')) return;
    const headers = res.request().headers();
    seen.push({ status: res.status(), range: headers.range, token: Boolean(headers['x-pagetrail-file']) });
  });
  return seen;
}

const reasons = async (linkId: string) =>
  (
    await t.db
      .selectFrom('events')
      .select('detail')
      .where('link_id', '=', linkId)
      .where('type', '=', 'access_denied')
      .execute()
  ).map((e) => (JSON.parse(e.detail!) as { reason: string }).reason);

describe('link access in the browser', () => {
  it('asks for the passcode, refuses a wrong one, then reads in ranges with the file token', async () => {
    const link = await createLink(t, sender.token, docId, { passcode: 'blue harbour 42', allowDownload: false });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const problems = await watchProblems(page, { ignore: [/status of 403/] });
    const files = fileRequests(page);
    await page.goto(link.url);
    await page.fill('#passcode', 'wrong one');
    await page.click('button[type=submit]');
    await page.getByText('The passcode is not correct.').waitFor({ timeout: 20_000 });
    await page.fill('#passcode', 'blue harbour 42');
    await page.click('button[type=submit]');
    await page.locator('.page[data-page-number="1"] canvas').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('#download').count(), 0, 'no download button with downloads off');
    assert.ok(files.length > 0, 'the reader fetched the file');
    assert.ok(
      files.every((f) => f.status === 206 && f.range && f.token),
      `every file request is a range with the token: ${JSON.stringify(files)}`,
    );
    assert.deepEqual(await reasons(link.id), ['wrong_passcode']);
    assert.deepEqual(problems.list(), []);
    await context.close();
  });

  it('verifies the email with the code from the sink, then shows the watermark on every page', async () => {
    const link = await createLink(t, sender.token, docId, { requireEmail: true, watermark: true });
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    const page = await context.newPage();
    const problems = await watchProblems(page);
    await page.goto(link.url);
    const seen = sink.received.length;
    await page.fill('#email', 'gil@example.net');
    await page.click('button[type=submit]');
    await page.locator('#code').waitFor({ timeout: 20_000 });
    const mail = await eventually(
      () => sink.received.slice(seen).find((m) => m.to.includes('gil@example.net')),
      20_000,
      'the code mail in the sink',
    );
    const code = /\b(\d{6})\b/.exec(mail.raw)![1]!;
    await page.fill('#code', code);
    await page.click('button[type=submit]');
    await page.locator('.page[data-page-number="1"] canvas').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(500);
    const marks = await page.$$eval('.page[data-watermark]', (els) =>
      els.map((el) => getComputedStyle(el, '::after').content),
    );
    assert.equal(marks.length, 8, 'every page carries the watermark');
    assert.match(marks[0]!, /gil@example\.net · \d{4}-\d\d-\d\d \d\d:\d\d UTC · 127\.0\.0\.1/);
    const file = await screenshot(page, 'reader-watermark');
    assert.ok(file.endsWith('.png'));
    const open = await eventually(
      () =>
        t.db
          .selectFrom('events')
          .selectAll()
          .where('link_id', '=', link.id)
          .where('type', '=', 'open')
          .executeTakeFirst(),
      20_000,
      'the open event',
    );
    assert.equal(open.recipient, 'gil@example.net', 'the verified address is the visit identity');
    assert.deepEqual(problems.list(), []);
    await context.close();
  });

  it('the dashboard link form sets a passcode and a watermark, and the feed says why a reader was blocked', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // Signed out, the dashboard asks /api/me first and hears 401.
    const problems = await watchProblems(page, { ignore: [/status of 401/] });
    await signIn(page, t.url, sender);
    await page.locator('.doc-row', { hasText: 'Offer.pdf' }).click();
    await page.locator('.link-access summary').click();
    await page.locator('#link-recipient').fill('hal@example.org');
    await page.locator('#link-passcode').fill('tide pool 7');
    await page.locator('#link-watermark').check();
    await page.click('.link-form button[type=submit]');
    const row = page.locator('.link-row', { hasText: 'hal@example.org' });
    await row.waitFor({ timeout: 20_000 });
    assert.match((await row.textContent()) ?? '', /passcode.*watermark/);
    const url = await row.locator('.link-url').inputValue();
    // A wrong passcode from another browser shows up on the feed as a block.
    const reader = await browser.newContext();
    const gate = await reader.newPage();
    await gate.goto(url);
    await gate.fill('#passcode', 'not it');
    await gate.click('button[type=submit]');
    await gate.getByText('The passcode is not correct.').waitFor({ timeout: 20_000 });
    await page.goto(t.url);
    await page.getByText('blocked: wrong passcode').first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'dashboard-blocked');
    assert.deepEqual(problems.list(), []);
    await reader.close();
    await context.close();
  });
});
