// The replies in Chromium: the sender sets up the mailbox on the dashboard's Mailbox page (a real Dovecot), sees it
// connected, and a colleague's reply delivered there shows up live in the feed as "A colleague of ... replied".
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { build } from '../../viewer/build.ts';
import type { TestSender } from '../helpers/app.ts';
import { launchBrowser, screenshot, signIn, watchProblems } from '../helpers/browser.ts';
import { startDovecot, type Dovecot } from '../helpers/dovecot.ts';
import { startMailRig, type MailRig } from '../helpers/mail.ts';
import { sendOriginals } from '../helpers/reply-cases.ts';
import { reply } from '../helpers/replies.ts';

const USER = 'replies@example.org';
let rig: MailRig;
let dovecot: Dovecot;
let browser: Browser;
let s: TestSender;

before(async () => {
  await build({ minify: true });
  dovecot = await startDovecot([USER]);
  rig = await startMailRig({ IMAP_ALLOW_PRIVATE: 'true', IMAP_POLL_INTERVAL_MS: '2000' });
  await rig.t.app.replies.poller.start();
  s = await rig.t.sender();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await rig?.close();
  await dovecot?.stop();
});

describe('replies on the dashboard', () => {
  it('sets up the mailbox, shows it connected, and shows a colleague reply live in the feed', async () => {
    const sent = await sendOriginals(rig, s);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = await watchProblems(page, { ignore: [/401 \(Unauthorized\)/, /404 \(Not Found\)/] });
    await signIn(page, rig.t.url, s);
    await page.locator('.topbar-nav a', { hasText: 'Mailbox' }).click();
    await page.locator('input[name="host"]').fill(dovecot.host);
    await page.locator('input[name="port"]').fill(String(dovecot.port));
    await page.locator('select[name="security"]').selectOption('off');
    await page.locator('input[name="user"]').fill(USER);
    await page.locator('input[name="password"]').fill(dovecot.users[USER]!.pass);
    await page.locator('button[type="submit"]', { hasText: 'Save' }).click();
    await page.locator('.mailbox-status[data-state="connected"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('input[name="password"]').inputValue(), '', 'the password is not shown again');
    await screenshot(page, 'replies-mailbox');

    await dovecot.append(
      USER,
      reply({ from: 'bob@acme.example', to: s.email, subject: 'Re: Proposal', inReplyTo: sent.proposal.messageId }).raw,
    );
    const line = page.locator('.feed-item.feed-reply');
    await line.first().waitFor({ timeout: 30_000 });
    assert.match((await line.first().textContent()) ?? '', /A colleague of ann@acme\.example\s*replied to your email/);
    await screenshot(page, 'replies-feed');
    assert.deepEqual(problems.list(), []);
    await context.close();
  });
});
