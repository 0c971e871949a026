// The reader's page-1 image in real Chromium: painted before pdf.js has arrived, then replaced by pdf.js's canvas
// with its text layer (selectable), under the page CSP with no errors; a watermarked link never asks for it (the image has no
// watermark).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { build } from '../../viewer/build.ts';
import { createLink, startApp, uploadReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { launchBrowser, watchProblems } from '../helpers/browser.ts';
import { makePdf } from '../helpers/pdf.ts';
import { eventually } from '../helpers/wait.ts';

let t: TestApp;
let browser: Browser;
let sender: TestSender;
let docId: string;

before(async () => {
  await build({ minify: true });
  t = await startApp();
  browser = await launchBrowser();
  sender = await t.sender();
  docId = await uploadReady(t, sender.token, makePdf(4, { padBytes: 5_000 }), 'Plan.pdf');
  await eventually(() => t.blobs.stat(`docs/${docId}/first-page.jpg`), 60_000, 'the stored page-1 image');
});
after(async () => {
  await browser?.close();
  await t?.close();
});

describe('reader: page 1 as an image first', () => {
  it('paints the image while pdf.js is still on its way, then the canvas with selectable text replaces it', async () => {
    const link = await createLink(t, sender.token, docId);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      const problems = await watchProblems(page);
      // Hold pdf.js back until the image has been seen: the image must not depend on it.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      await page.route('**/assets/reader-view.js', async (route) => {
        await held;
        await route.continue();
      });
      await page.goto(link.url);
      const image = page.locator('#viewer-container img.first-page');
      await image.waitFor({ timeout: 30_000 });
      const shown = await image.evaluate((img: HTMLImageElement) => ({
        natural: img.naturalWidth,
        width: img.getBoundingClientRect().width,
        blob: img.src.startsWith('blob:'),
      }));
      assert.ok(shown.natural > 500, `a decoded image (${shown.natural} px wide)`);
      assert.ok(shown.width > 300 && shown.width <= 1280, `laid out at the page's width (${shown.width} px)`);
      assert.ok(shown.blob, 'fetched with the file token, shown from memory');
      assert.equal(await page.locator('.page canvas').count(), 0, 'no canvas yet');
      release();
      await page.locator('.page[data-page-number="1"] .textLayer span').first().waitFor({ timeout: 60_000 });
      await page.locator('.page[data-page-number="1"] canvas').waitFor({ timeout: 60_000 });
      await image.waitFor({ state: 'detached', timeout: 30_000 });
      // The page that replaced the image is pdf.js's: its text selects like text (the image's could not).
      const line = page.locator('.page[data-page-number="1"] .textLayer span', { hasText: 'Page 1 of 4' }).first();
      await line.dblclick();
      await line.click({ clickCount: 3 });
      const selected = await page.evaluate(() => window.getSelection()?.toString() ?? '');
      assert.match(selected, /Page 1 of 4/);
      assert.deepEqual(problems.list(), []);
    } finally {
      await context.close();
    }
  });

  it('does not ask for the image on a watermarked link', async () => {
    const link = await createLink(t, sender.token, docId, { watermark: true });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      const problems = await watchProblems(page);
      const asked: string[] = [];
      page.on('request', (r) => {
        if (r.url().endsWith('/first-page')) asked.push(r.url());
      });
      await page.goto(link.url);
      await page.locator('.page[data-page-number="1"] canvas').waitFor({ timeout: 60_000 });
      await page.locator('.page[data-page-number="1"] [data-watermark], .has-watermark').first().waitFor({
        state: 'attached',
        timeout: 30_000,
      });
      assert.deepEqual(asked, []);
      assert.equal(await page.locator('img.first-page').count(), 0);
      assert.deepEqual(problems.list(), []);
    } finally {
      await context.close();
    }
  });
});
