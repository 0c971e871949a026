// Real-world documents through the API (the shared corpus: files other projects wrote for their own tests).
// Office files that plain LibreOffice converts become ready with its page count; PDFs a viewer opens are served
// (damaged ones rebuilt by qpdf, empty-password ones opened); password-protected files are refused as
// file_encrypted; the rest are refused with a clear 4xx code. Nothing stays processing, nothing answers 5xx, and
// page 1 of every ready document renders in the reader in Chromium.
// The expected outcomes (tests/fixtures/corpus-expected.json) come from one run of plain
// `soffice --headless --convert-to pdf` with a fresh profile per file (poppler's page count for PDFs).
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { build } from '../../viewer/build.ts';
import { createLink, startApp, waitReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { CORPUS_DIR, corpusAvailable, corpusFiles, expectations, type Expectation } from '../helpers/corpus.ts';

const skip = corpusAvailable()
  ? false
  : `the document corpus is not at ${CORPUS_DIR} (set PAGETRAIL_CORPUS to run this test)`;

interface Outcome {
  file: string;
  http: number;
  status: string;
  pages: number | null;
  code: string | null;
  id: string | null;
}

let t: TestApp;
let sender: TestSender;
const outcomes: Outcome[] = [];

before(async () => {
  if (skip) return;
  // Generous bounds: the whole corpus is queued at once on a small shared machine.
  t = await startApp({ CONVERT_QUEUE_MAX: '200', CONVERT_TIMEOUT_MS: '180000', CONVERT_START_TIMEOUT_MS: '120000' });
  sender = await t.sender();
});
after(async () => {
  if (!skip) await t.close();
});

// About a hundred files one after another: well past the suite's per-test bound on a loaded machine.
const CORPUS_TIMEOUT_MS = 1_800_000;

test('every corpus file ends as plain LibreOffice and a PDF viewer say, never 5xx or stuck', {
  skip,
  timeout: CORPUS_TIMEOUT_MS,
}, async (ctx) => {
  const expected = expectations();
  const files = corpusFiles();
  assert.deepEqual(
    files.map((f) => f.file).filter((f) => !expected[f]),
    [],
    'every corpus file has an expectation',
  );
  for (const f of files) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(await fs.readFile(path.join(CORPUS_DIR, f.file)))]), f.file);
    const res = await fetch(`${t.url}/api/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sender.token}` },
      body: form,
    });
    const body = (await res.json()) as {
      id?: string;
      status?: string;
      pageCount?: number | null;
      error?: { code: string };
      code?: string;
    };
    const o = {
      file: f.file,
      http: res.status,
      status: body.status ?? 'refused',
      pages: body.pageCount ?? null,
      code: body.error?.code ?? body.code ?? null,
      id: body.id ?? null,
    };
    outcomes.push(o);
    // One at a time: each file's time and log stay its own (the pool's own tests cover files crashing side by side).
    if (!o.id) continue;
    const doc = (await waitReady(t, sender.token, o.id, 600_000)) as {
      status: string;
      pageCount: number | null;
      error?: { code: string };
    };
    Object.assign(o, { status: doc.status, pages: doc.pageCount, code: doc.error?.code ?? null });
  }
  const wrong: string[] = [];
  for (const o of outcomes) {
    const want: Expectation = expected[o.file]!;
    ctx.diagnostic(`${o.file}\tHTTP ${o.http}\t${o.status}\t${o.pages ?? ''}\t${o.code ?? ''}`);
    if (o.http >= 500) wrong.push(`${o.file}: answered ${o.http}`);
    else if (want.ready && (o.status !== 'ready' || o.pages !== want.pages)) {
      wrong.push(
        `${o.file}: expected ready with ${want.pages} pages, got ${o.status} ${o.pages ?? ''} ${o.code ?? ''}`,
      );
    } else if (!want.ready && (o.status === 'ready' || o.code !== want.code)) {
      wrong.push(`${o.file}: expected refused as ${want.code}, got ${o.status} ${o.code ?? ''}`);
    }
  }
  const ready = outcomes.filter((o) => o.status === 'ready').length;
  const codes = new Map<string, number>();
  for (const o of outcomes) if (o.status !== 'ready') codes.set(o.code ?? '?', (codes.get(o.code ?? '?') ?? 0) + 1);
  const byCode = [...codes].map(([c, n]) => `${c} ${n}`);
  ctx.diagnostic(`${outcomes.length} files: ${ready} ready; refused: ${byCode.join(', ')}`);
  assert.deepEqual(wrong, [], 'outcomes that differ from the expectation');
  assert.deepEqual(await t.tempFiles(), [], 'no temp files left');
});

test('page 1 of every ready corpus document renders in the reader', {
  skip,
  timeout: CORPUS_TIMEOUT_MS,
}, async (ctx) => {
  const ready = outcomes.filter((o) => o.status === 'ready');
  assert.ok(ready.length > 0, 'the corpus run produced ready documents');
  await build({ minify: true });
  const browser: Browser = await launchBrowser();
  const blank: string[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
    const page = await context.newPage();
    for (const o of ready) {
      const link = await createLink(t, sender.token, o.id!);
      await page.goto(link.url);
      const canvas = page.locator('.page[data-page-number="1"] canvas').first();
      try {
        await canvas.waitFor({ timeout: 30_000 });
        // Drawn, not just created: pdf.js gave the canvas the page's size (an empty document's page is white).
        const painted = await canvas.evaluate((c: HTMLCanvasElement) => c.width > 0 && c.height > 0);
        if (!painted) blank.push(`${o.file}: page 1 has no size`);
      } catch (err) {
        blank.push(`${o.file}: page 1 did not render within 30 s (${(err as Error).message.split('\n')[0]})`);
      }
    }
    await context.close();
  } finally {
    await browser.close();
  }
  assert.deepEqual(blank, [], 'ready documents whose first page did not render');
});
