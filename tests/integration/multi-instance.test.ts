// The scaled-out deployment end to end: two web processes and one conversion worker sharing PostgreSQL, Redis and
// an S3 bucket (s3rver), conversions queued. A DOCX uploaded through A is converted by the worker; a link made on A
// is read through B in Chromium; A's feed hears B's reader in order with gap-free seq; revoking on A ends the
// reading on B.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { after, before, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { build } from '../../viewer/build.ts';
import { launchBrowser, screenshot, watchProblems } from '../helpers/browser.ts';
import { fixture } from '../helpers/fixtures.ts';
import { Deployment, type Instance } from '../helpers/instances.ts';
import { BROWSER_UA, collect, feed, type FeedClient, once } from '../helpers/sockets.ts';
import { eventually } from '../helpers/wait.ts';

let d: Deployment;
let a: Instance;
let b: Instance;
let worker: Instance;
let browser: Browser;
let alice: Awaited<ReturnType<Deployment['sender']>>;
let aliceFeed: FeedClient | undefined;

const api = (inst: Instance, p: string, init: RequestInit = {}) =>
  fetch(`${inst.url}${p}`, { ...init, headers: { authorization: `Bearer ${alice.token}`, ...init.headers } });

before(async () => {
  await build({ minify: true });
  d = await Deployment.create({ CONVERT_MODE: 'queue', VIEWER_EVENTS_PER_10S: '10000' }, { postgres: true, s3: true });
  // The web processes never convert here: the per-call engine avoids probing for the pool at start.
  [a, b] = [await d.web({ CONVERTER: 'libreoffice-convert' }), await d.web({ CONVERTER: 'libreoffice-convert' })];
  worker = await d.worker({ CONVERT_POOL_SIZE: '1', WORKER_CONCURRENCY: '1' });
  alice = await d.sender();
  browser = await launchBrowser();
});

after(async () => {
  aliceFeed?.close();
  await browser?.close();
  await d?.close();
});

it('a DOCX uploaded on A is converted by the worker, read on B in Chromium, seen live on A, and revoked from A', {
  timeout: 600_000,
}, async () => {
  for (const inst of [a, b]) {
    const checks = ((await (await fetch(`${inst.url}/readyz`)).json()) as { checks: Record<string, string> }).checks;
    assert.equal(checks.storage, 'ok', `${inst.url} reaches the bucket: ${JSON.stringify(checks)}`);
  }

  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(await fs.readFile(await fixture('docx', 3)))]), 'Plan.docx');
  const up = await api(a, '/api/documents', { method: 'POST', body: form });
  assert.equal(up.status, 202, await up.clone().text());
  const docId = ((await up.json()) as { id: string }).id;
  const doc = await eventually(
    async () => {
      const got = (await (await api(a, `/api/documents/${docId}`)).json()) as Record<string, unknown>;
      return got.status !== 'processing' ? got : null;
    },
    180_000,
    'the worker to convert the DOCX',
    200,
  );
  assert.equal(doc.status, 'ready', JSON.stringify(doc));
  assert.equal(doc.pageCount, 3);
  // The worker writes the outcome, then logs it: the line may trail the status by a moment.
  const line = new RegExp(`"documentId":"${docId}".*"document ready"`);
  await eventually(() => line.test(worker.output()), 20_000, `the worker's "document ready" line for ${docId}`);
  assert.doesNotMatch(a.output() + b.output(), /"document ready"/, 'the web processes did not convert');
  const stored = await fs.readdir(d.dataDir, { recursive: true });
  assert.ok(!stored.some((f) => String(f).includes(docId)), `no blob of the document in DATA_DIR: ${stored}`);

  const made = await api(a, `/api/documents/${docId}/links`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"recipient":"reader@example.org"}',
  });
  assert.equal(made.status, 201, await made.clone().text());
  const link = (await made.json()) as { id: string; url: string };
  assert.equal(new URL(link.url).origin, a.url, 'A hands out links on its own PUBLIC_URL');
  const onB = `${b.url}${new URL(link.url).pathname}`;

  aliceFeed = feed(a.url, { token: alice.token });
  const got = collect(aliceFeed);
  await once(aliceFeed as unknown as Socket, 'presence:snapshot');

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, userAgent: BROWSER_UA });
  const page = await context.newPage();
  const problems = await watchProblems(page);
  await page.goto(onB);
  await page.locator('.page[data-page-number="1"] canvas').waitFor({ timeout: 30_000 });
  assert.equal(new URL(page.url()).origin, b.url, 'the reader runs on B');
  assert.equal(await page.locator('#page-count').textContent(), '3');

  const reader = () => got.filter((e) => e.recipient === 'reader@example.org');
  await eventually(
    () => reader().some((e) => e.type === 'page_view' && e.page === 1),
    30_000,
    "B's reader opening page 1, on A's feed",
  );
  await page.mouse.move(400, 400);
  await page.locator('.page[data-page-number="3"]').scrollIntoViewIfNeeded();
  await page.mouse.move(500, 400);
  await eventually(
    () => reader().some((e) => e.type === 'page_view' && e.page === 3),
    30_000,
    "B's reader arriving on page 3, on A's feed",
  );
  const types = reader().map((e) => e.type);
  assert.equal(types[0], 'open', `the open comes first: ${types}`);
  assert.ok(
    types.slice(1).every((t) => t === 'page_view'),
    `then page views only: ${types}`,
  );
  assert.ok(new Set(reader().map((e) => e.visitId)).size === 1, 'one visit');
  const seqs = got.map((e) => e.seq);
  assert.ok(seqs.length >= 3, `events: ${seqs}`);
  for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1]! + 1, `seq after ${seqs[i - 1]}: ${seqs}`);

  const revoked = await api(a, `/api/links/${link.id}`, { method: 'DELETE' });
  assert.equal(revoked.status, 204);
  await page.locator('#notice:not([hidden])').waitFor({ timeout: 30_000 });
  assert.match((await page.locator('#notice-title').textContent()) ?? '', /no longer available/);
  await screenshot(page, 'multi-instance-revoked');
  assert.deepEqual(problems.list(), []);
  const again = await page.goto(onB);
  assert.ok(again && [404, 410].includes(again.status()), `B refuses the revoked link: ${again?.status()}`);
  await context.close();
});
