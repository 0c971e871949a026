// The Sent list in Chromium with email signals: status at a glance per message and per recipient, machine opens
// shown apart, a message page with timelines, and the live feed's sentence for an open; desktop and phone width.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { build } from '../../viewer/build.ts';
import type { TestSender } from '../helpers/app.ts';
import { launchBrowser, screenshot, signIn, watchProblems } from '../helpers/browser.ts';
import { startMailRig, type MailRig } from '../helpers/mail.ts';
import {
  APPLE_MPP_UA,
  DESKTOP_UA,
  deliveredLongAgo,
  GMAIL_PROXY_UA,
  hit,
  IPHONE_UA,
  messageOf,
  sendTracked,
} from '../helpers/signals.ts';
import { eventually } from '../helpers/wait.ts';

let rig: MailRig;
let browser: Browser;
let s: TestSender;

before(async () => {
  await build({ minify: true });
  rig = await startMailRig({ TRUST_PROXY: 'true' });
  s = await rig.t.sender();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await rig?.close();
});

describe('Sent list with email signals', () => {
  it('shows each recipient’s status, machine opens apart, a timeline, and live email activity', async () => {
    const { messageId, copies } = await sendTracked(rig, s, ['ann@acme.com', 'bob@acme.com', 'carol@acme.com'], {
      subject: 'Q3 proposal',
    });
    await deliveredLongAgo(rig);
    const ann = copies.get('ann@acme.com')!;
    const bob = copies.get('bob@acme.com')!;
    assert.equal((await hit(ann.pixel, DESKTOP_UA, '198.51.100.7')).status, 200);
    assert.equal((await hit(ann.clicks.get(1)!, DESKTOP_UA, '198.51.100.7')).status, 302);
    await hit(bob.pixel, APPLE_MPP_UA, '17.58.1.2');
    await hit(bob.pixel, GMAIL_PROXY_UA, '66.249.84.12');
    await eventually(
      async () => {
        const m = await messageOf(rig, s, messageId);
        return m.signals.clicks === 1 && m.signals.opens === 2 && m.signals.machine.count === 1;
      },
      30_000,
      'the four signals to be stored',
    );

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = await watchProblems(page, { ignore: [/401 \(Unauthorized\)/] });
    await signIn(page, rig.t.url, s);
    await page.locator('.topbar-nav a', { hasText: 'Sent' }).click();
    const item = page.locator('.sent-item').first();
    await item.waitFor({ timeout: 30_000 });
    const row = (address: string) => page.locator(`.sent-recipient[data-recipient="${address}"]`);
    assert.equal((await item.locator('.sent-head .status').textContent())?.trim(), 'clicked');
    assert.equal((await row('ann@acme.com').locator('.status').textContent())?.trim(), 'clicked');
    assert.equal((await row('bob@acme.com').locator('.status').textContent())?.trim(), 'opened once');
    assert.match(
      (await row('bob@acme.com').locator('.sent-machine').textContent()) ?? '',
      /^1 machine open: Apple Mail privacy$/,
    );
    assert.equal((await row('carol@acme.com').locator('.status').textContent())?.trim(), 'not opened');
    assert.match((await item.locator(':scope > .sent-machine').textContent()) ?? '', /1 machine open/);
    await screenshot(page, 'mail-signals-sent-desktop');

    // The live feed tells an open as a sentence.
    await hit(ann.pixel, IPHONE_UA, '198.51.100.8');
    const line = page.locator('.feed-email_open', { hasText: 'iPhone' }).first();
    await line.waitFor({ timeout: 30_000 });
    assert.match((await line.textContent()) ?? '', /ann@acme\.com opened ‘Q3 proposal’ again on iPhone/);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('.sent-item').first().waitFor();
    await screenshot(page, 'mail-signals-sent-phone');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no sideways scrolling at phone width (page is ${width} px wide)`);

    await page.setViewportSize({ width: 1280, height: 900 });
    await item.locator('.sent-subject a').click();
    const card = page.locator('.message-recipient[data-recipient="bob@acme.com"]');
    await card.waitFor({ timeout: 30_000 });
    assert.equal(await card.locator('.timeline-item').count(), 2);
    assert.equal(await card.locator('.timeline-item.is-muted').count(), 1, 'the machine open is shown apart');
    assert.match((await card.locator('.timeline-item.is-muted').textContent()) ?? '', /machine: Apple Mail privacy/);
    assert.match((await card.textContent()) ?? '', /in Gmail/);
    await screenshot(page, 'mail-signals-message');
    await page.setViewportSize({ width: 375, height: 812 });
    await screenshot(page, 'mail-signals-message-phone');
    const messageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(messageWidth <= 375, `the message page does not scroll sideways (${messageWidth} px wide)`);
    assert.deepEqual(problems.list(), []);
    await context.close();
  });
});
