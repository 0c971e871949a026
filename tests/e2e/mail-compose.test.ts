// The compose page in Chromium: a message with an attachment, one file tracked and one not, sent through the same
// rewrite and upstream; it arrives at the sink rewritten and shows up in the Sent list. A document uploaded before
// can be linked from the form: each recipient's copy gets its own working link to it, in the HTML and text parts.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { build } from '../../viewer/build.ts';
import { type TestSender, uploadReady } from '../helpers/app.ts';
import { launchBrowser, screenshot, signIn, watchProblems } from '../helpers/browser.ts';
import { composeForm, linkTokens, type MailRig, parse, startMailRig } from '../helpers/mail.ts';
import { makePdf } from '../helpers/pdf.ts';

let rig: MailRig;
let browser: Browser;
let s: TestSender;
let dir: string;

before(async () => {
  await build({ minify: true });
  rig = await startMailRig();
  s = await rig.t.sender();
  browser = await launchBrowser();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pagetrail-compose-'));
});
after(async () => {
  await browser?.close();
  await rig?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('compose page', () => {
  it('sends a message with a tracked and an untracked attachment that arrives rewritten, then lists it as sent', async () => {
    const tracked = path.join(dir, 'Quote.pdf');
    const untracked = path.join(dir, 'Appendix.pdf');
    await fs.writeFile(tracked, makePdf(2));
    await fs.writeFile(untracked, makePdf(1));
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // /api/me answers 401 before signing in.
    const problems = await watchProblems(page, { ignore: [/401 \(Unauthorized\)/] });
    await signIn(page, rig.t.url, s);
    await page.locator('.topbar-nav a', { hasText: 'Compose' }).click();
    await page.locator('input[name="to"]').fill('ana@example.org');
    await page.locator('input[name="bcc"]').fill('boss@example.org');
    await page.locator('input[name="subject"]').fill('Your quote');
    await page.locator('.compose-body').click();
    await page.keyboard.type('Dear Ana, here is the quote.');
    await page.locator('#compose-files').setInputFiles([tracked, untracked]);
    await page.locator('.track-switch').nth(1).uncheck();
    await screenshot(page, 'mail-compose');
    await page.setViewportSize({ width: 375, height: 812 });
    await screenshot(page, 'mail-compose-phone');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `no sideways scrolling at phone width (page is ${width} px wide)`);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.locator('button[type="submit"]', { hasText: 'Send' }).click();
    await page.locator('.sent-item').first().waitFor({ timeout: 60_000 });
    assert.match((await page.locator('.sent-subject').first().textContent()) ?? '', /Your quote/);
    assert.equal(await page.locator('.sent-recipient').count(), 2);
    await screenshot(page, 'mail-sent');

    assert.deepEqual(rig.sink.received.map((r) => r.to[0]).sort(), ['ana@example.org', 'boss@example.org']);
    for (const copy of rig.sink.received) {
      assert.doesNotMatch(copy.raw, /^bcc:/im);
      const parsed = await parse(copy.raw);
      assert.deepEqual(
        parsed.attachments.map((a) => a.filename),
        ['Appendix.pdf'],
        'the untracked file stays attached',
      );
      assert.equal(linkTokens(rig, String(parsed.html)).length, 1, 'the tracked file became a link');
      assert.match(String(parsed.html), /Dear Ana, here is the quote\./);
    }
    assert.deepEqual(problems.list(), []);
    await context.close();
  });

  it('links a document uploaded before: each recipient gets its own working link; a foreign id sends nothing', async () => {
    const docId = await uploadReady(rig.t, s.token, makePdf(3), 'Pricing.pdf');
    const other = await rig.t.sender();
    const foreignId = await uploadReady(rig.t, other.token, makePdf(1), 'Theirs.pdf');
    const before = rig.sink.received.length;

    // Another sender's document id: 404, nothing sent.
    const refused = await composeForm(rig, s, { to: 'ana@example.org', subject: 'Not mine', documents: foreignId });
    assert.equal(refused.status, 404);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'not_found');
    assert.equal(rig.sink.received.length, before, 'nothing went upstream for a foreign document id');

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = await watchProblems(page, { ignore: [/401 \(Unauthorized\)/] });
    await signIn(page, rig.t.url, s);
    await page.locator('.topbar-nav a', { hasText: 'Compose' }).click();
    await page.locator('input[name="to"]').fill('ana@example.org');
    await page.locator('input[name="cc"]').fill('ben@example.org');
    await page.locator('input[name="subject"]').fill('Our pricing');
    await page.locator('.compose-body').click();
    await page.keyboard.type('Pricing below.');
    await page.locator('.compose-doc-select').selectOption(docId);
    await page.locator('.compose-doc-insert').click();
    assert.match((await page.locator('.compose-linked-doc').textContent()) ?? '', /Pricing\.pdf/);
    await page.locator('button[type="submit"]', { hasText: 'Send' }).click();
    await page.locator('.sent-subject', { hasText: 'Our pricing' }).first().waitFor({ timeout: 60_000 });

    const copies = rig.sink.received.slice(before);
    assert.deepEqual(copies.map((r) => r.to[0]).sort(), ['ana@example.org', 'ben@example.org']);
    const links = (await (
      await fetch(`${rig.t.url}/api/documents/${docId}/links`, { headers: { authorization: `Bearer ${s.token}` } })
    ).json()) as { links: { url: string; recipient: string | null }[] };
    const seen = new Set<string>();
    for (const copy of copies) {
      const parsed = await parse(copy.raw);
      assert.deepEqual(parsed.attachments, [], 'a linked document adds no attachment');
      const [token, ...more] = linkTokens(rig, String(parsed.html));
      assert.ok(token && more.length === 0, 'one document link in the HTML part');
      assert.deepEqual(linkTokens(rig, String(parsed.text)), [token], 'the same link in the text part');
      assert.match(String(parsed.html), /Pricing\.pdf/);
      assert.match(String(parsed.text), /Pricing\.pdf \(3 pages\)/);
      assert.ok(!seen.has(token), 'each recipient has its own link');
      seen.add(token);
      const link = links.links.find((l) => l.url.endsWith(`/v/${token}`));
      assert.equal(link?.recipient, copy.to[0], 'the link is to the picked document, for this recipient');
      const opened = await fetch(`${rig.t.url}/v/${token}`);
      assert.equal(opened.status, 200);
      await opened.body?.cancel();
    }
    const auth = { headers: { authorization: `Bearer ${s.token}` } };
    const list = (await (await fetch(`${rig.t.url}/api/messages`, auth)).json()) as {
      messages: { id: string; subject: string; documents: { id: string; name: string }[] }[];
    };
    const sent = list.messages.find((m) => m.subject === 'Our pricing');
    assert.deepEqual(
      sent?.documents.map((d) => [d.id, d.name]),
      [[docId, 'Pricing.pdf']],
      'the Sent list names the linked document',
    );
    assert.deepEqual(problems.list(), []);
    await context.close();
  });
});
