// The real reader in Chromium tells the server a person is reading: of two recipients who open their copy's link
// right after delivery, the one who moves the mouse stays a person; the one whose page only loads and closes (as a
// link scanner's browser does) becomes a machine visit, `no_human_input`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { build } from '../../viewer/build.ts';
import { type TestSender, uploadReady } from '../helpers/app.ts';
import { launchBrowser, watchProblems } from '../helpers/browser.ts';
import { composeForm, linkTokens, type MailRig, parse, startMailRig } from '../helpers/mail.ts';
import { makePdf } from '../helpers/pdf.ts';
import { BROWSER_UA } from '../helpers/sockets.ts';
import { eventually } from '../helpers/wait.ts';

let rig: MailRig;
let browser: Browser;
let s: TestSender;
const tokens = new Map<string, string>();

before(async () => {
  await build({ minify: true });
  rig = await startMailRig({ MAIL_SCAN_WINDOW_SECONDS: '300' });
  s = await rig.t.sender();
  browser = await launchBrowser();
  const docId = await uploadReady(rig.t, s.token, makePdf(2), 'Plan.pdf');
  const res = await composeForm(rig, s, {
    to: 'person@example.org, scanner@example.org',
    subject: 'Plan',
    text: 'The plan.',
    documents: docId,
  });
  assert.equal(res.status, 201, await res.text());
  for (const copy of rig.sink.received)
    tokens.set(copy.to[0]!, linkTokens(rig, String((await parse(copy.raw)).text))[0]!);
});
after(async () => {
  await browser?.close();
  await rig?.close();
});

/** Opens `recipient`'s link in a fresh browser, waits for page 1, optionally moves the mouse, closes; the visit id. */
async function read(recipient: string, moveMouse: boolean): Promise<string> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, userAgent: BROWSER_UA });
  const page = await context.newPage();
  const problems = await watchProblems(page);
  await page.goto(`${rig.t.url}/v/${tokens.get(recipient)}`);
  await page.locator('.page[data-page-number="1"] canvas').waitFor({ timeout: 30_000 });
  const linkId = (
    await rig.t.db.selectFrom('links').select('id').where('recipient', '=', recipient).executeTakeFirstOrThrow()
  ).id;
  const visit = await eventually(
    () => rig.t.db.selectFrom('visits').select('id').where('link_id', '=', linkId).executeTakeFirst(),
    30_000,
    `the visit of ${recipient}`,
  );
  if (moveMouse) {
    await page.mouse.move(400, 300);
    await page.mouse.move(420, 340, { steps: 5 });
    // The input message goes out on the socket before the page is closed.
    await page.waitForTimeout(500);
  }
  assert.deepEqual(problems.list(), []);
  await context.close();
  return visit.id;
}

const automated = async (id: string) =>
  (await rig.t.db.selectFrom('visits').select('automated').where('id', '=', id).executeTakeFirstOrThrow()).automated;

describe('reader and human input', () => {
  it('keeps the reader who moved the mouse a person and marks the page that only loaded a machine', async () => {
    const person = await read('person@example.org', true);
    const scanner = await read('scanner@example.org', false);
    await eventually(async () => (await automated(scanner)) === 1, 30_000, 'the input-less visit to be marked');
    const reasons = await rig.t.db
      .selectFrom('events')
      .select('automated_reason')
      .where('visit_id', '=', scanner)
      .execute();
    assert.ok(reasons.length > 0 && reasons.every((r) => r.automated_reason === 'no_human_input'));
    assert.equal(await automated(person), 0, 'the reader who moved the mouse stays a person');
  });
});
