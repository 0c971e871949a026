// The Settings page in Chromium: the email tracking switches (open pixel, click rewriting) are turned off by a
// click, stay off after a reload, and the next message sent through the relay carries no pixel and its links as
// written; the notification switches sit beside them. Photographed at 1280 px and 375 px.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { build } from '../../viewer/build.ts';
import type { TestSender } from '../helpers/app.ts';
import { launchBrowser, screenshot, signIn, watchProblems } from '../helpers/browser.ts';
import { type MailRig, startMailRig } from '../helpers/mail.ts';
import { sendTracked } from '../helpers/signals.ts';
import { eventually } from '../helpers/wait.ts';

const WAIT = 30_000;

let rig: MailRig;
let browser: Browser;
let s: TestSender;

before(async () => {
  await build({ minify: true });
  rig = await startMailRig();
  s = await rig.t.sender();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await rig?.close();
});

async function stored(): Promise<{ attachments: boolean; pixel: boolean; clicks: boolean }> {
  const res = await fetch(`${rig.t.url}/api/settings/mail-tracking`, {
    headers: { authorization: `Bearer ${s.token}` },
  });
  return (await res.json()) as { attachments: boolean; pixel: boolean; clicks: boolean };
}

async function switchTo(page: Page, id: string, on: boolean, key: 'pixel' | 'clicks') {
  const box = page.locator(`#${id}`);
  await box.waitFor({ timeout: WAIT });
  if (on) await box.check();
  else await box.uncheck();
  await eventually(async () => ((await stored())[key] === on ? true : null), WAIT, `${key} to be stored as ${on}`);
  await eventually(async () => ((await box.isEnabled()) ? true : null), WAIT, `#${id} to be enabled after saving`);
}

/** Waits until the switch shows `checked` (it is drawn before its setting has loaded). */
async function checkedState(page: Page, selector: string, checked: boolean, what: string): Promise<void> {
  const box = page.locator(selector);
  await eventually(async () => ((await box.isChecked()) === checked ? true : null), WAIT, what);
}

describe('settings: email tracking switches', () => {
  it('turns the pixel and click rewriting off and on, and the next copy follows them', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = await watchProblems(page, { ignore: [/401 \(Unauthorized\)/] });
    await signIn(page, rig.t.url, s);
    await page.locator('.topbar-nav a', { hasText: 'Settings' }).click();
    await page.locator('#mail-pixel').waitFor({ timeout: WAIT });
    // The switches show the stored settings once the page's requests for them have answered.
    await checkedState(page, '#mail-pixel', true, 'the pixel starts on');
    await checkedState(page, '#mail-clicks', true, 'click rewriting starts on');
    await checkedState(page, '#notify-email', true, 'notification emails start on');
    assert.equal(await page.locator('#notify-browser').count(), 1, 'the browser notification switch is there');

    await switchTo(page, 'mail-pixel', false, 'pixel');
    await switchTo(page, 'mail-clicks', false, 'clicks');
    assert.deepEqual(await stored(), { attachments: true, pixel: false, clicks: false });
    await page.reload();
    await page.locator('#mail-pixel').waitFor({ timeout: WAIT });
    await checkedState(page, '#mail-pixel', false, 'the pixel stays off after a reload');
    await checkedState(page, '#mail-clicks', false, 'click rewriting stays off after a reload');
    await screenshot(page, 'settings-mail-tracking-desktop');
    await page.setViewportSize({ width: 375, height: 812 });
    await screenshot(page, 'settings-mail-tracking-phone');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `no sideways scrolling at phone width (page is ${width} px wide)`);

    const off = (await sendTracked(rig, s, ['ann@acme.com'])).copies.get('ann@acme.com')!;
    assert.equal(off.pixel, '', 'no open pixel in the copy');
    assert.equal(off.clicks.size, 0, 'no click redirect in the copy');
    assert.match(off.html, /href="https:\/\/example\.com\/pricing\?plan=pro&amp;ref=mail"/, 'the link is as written');

    await switchTo(page, 'mail-pixel', true, 'pixel');
    await switchTo(page, 'mail-clicks', true, 'clicks');
    const on = (await sendTracked(rig, s, ['bob@acme.com'])).copies.get('bob@acme.com')!;
    assert.ok(on.pixel, 'the pixel is back');
    assert.equal(on.clicks.size, 3, 'the honeypot and both links are rewritten again');
    assert.deepEqual(problems.list(), []);
    await context.close();
  });
});
