// What the reader benchmarks share: a ready document with its link (and its page-1 image made), and the moments,
// measured in the page from navigation start, at which the reader showed page 1 as an image, as a canvas, and
// with its text layer.
import os from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { build } from '../../../viewer/build.ts';
import { createLink, startApp, type TestApp, uploadReady } from '../../helpers/app.ts';
import { chromiumPath, launchBrowser } from '../../helpers/browser.ts';
import { fileAccess } from '../../helpers/sockets.ts';
import { eventually } from '../../helpers/wait.ts';

export interface ReaderMarks {
  /** Page 1's server-made image on screen (viewer/reader/first-page.ts). */
  image?: number;
  /** Page 1's canvas element in the DOM. */
  canvas?: number;
  /** The first pdf.js `pagerendered` (main.ts marks the progress bar done; also on a load error). */
  rendered?: number;
  /** Page 1's text layer filled: the page is readable and selectable. */
  text?: number;
  /** An error notice was shown instead of the document. */
  error?: number;
}

export interface BenchDocument {
  url: string;
  fileUrl: string;
  /** A live visit's file-token header, for fetching the file outside the reader. */
  access: Record<string, string>;
  ingestMs: number;
}

/** Uploads a PDF, waits until it is ready and what is made after ready (the page-1 image, the thumbnails) is
 * stored, and makes a link to it. */
export async function benchDocument(
  t: TestApp,
  senderToken: string,
  pdf: Buffer,
  name: string,
): Promise<BenchDocument> {
  const started = performance.now();
  const id = await uploadReady(t, senderToken, pdf, name);
  const ingestMs = performance.now() - started;
  const link = await createLink(t, senderToken, id);
  const access = await fileAccess(t.url, link.token);
  // The image is made after `ready`, in the background: a reader arriving before it would only see the canvas.
  await eventually(
    async () =>
      (await fetch(`${link.url}/first-page`, { headers: access, method: 'HEAD', signal: AbortSignal.timeout(10_000) }))
        .ok,
    60_000,
    `the page-1 image of ${name}`,
  );
  // The per-page thumbnails come after it; recorded together with the first-page thumbnail, at the end of what is
  // made after ready. Measured before they are done, the reader would share the CPU with their pdftoppm.
  await eventually(
    async () => {
      const res = await fetch(`${t.url}/api/documents/${id}`, {
        headers: { authorization: `Bearer ${senderToken}` },
        signal: AbortSignal.timeout(10_000),
      });
      return res.ok && ((await res.json()) as { pageThumbnails: number }).pageThumbnails > 0;
    },
    120_000,
    `the page thumbnails of ${name}`,
  );
  return { url: link.url, fileUrl: `${link.url}/file`, access, ingestMs };
}

/** Installs the marks before navigation; `done` resolves when page 1's text layer (or an error) has appeared. */
export async function watchReader(page: Page): Promise<{ done: Promise<void>; marks(): Promise<ReaderMarks> }> {
  let finished!: () => void;
  const done = new Promise<void>((r) => (finished = r));
  await page.exposeFunction('__benchDone', () => finished());
  await page.addInitScript(() => {
    const w = window as unknown as { __bench: Record<string, number>; __benchDone(): void };
    w.__bench = {};
    const mark = (name: string, seen: boolean) => {
      if (w.__bench[name] === undefined && seen) w.__bench[name] = performance.now();
    };
    const check = () => {
      const page1 = '.page[data-page-number="1"]';
      mark('image', Boolean(document.querySelector('img.first-page')));
      mark('canvas', Boolean(document.querySelector(`${page1} canvas`)));
      mark('rendered', Boolean(document.querySelector('#progress.progress-done')));
      mark('text', Boolean(document.querySelector(`${page1} .textLayer span`)));
      const notice = document.getElementById('notice');
      mark('error', Boolean(notice && !notice.hidden));
      if (w.__bench.done === undefined && (w.__bench.text !== undefined || w.__bench.error !== undefined)) {
        w.__bench.done = 1;
        w.__benchDone();
      }
    };
    new MutationObserver(check).observe(document, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['class', 'hidden'],
    });
  });
  return {
    done,
    marks: () => page.evaluate(() => (window as unknown as { __bench: ReaderMarks }).__bench),
  };
}

/** Rejects after `ms` naming what did not arrive. */
export function deadline(ms: number, what: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`${what} not within ${ms} ms`)), ms).unref());
}

/** Runs a reader benchmark: the viewer built, the app and Chromium started (and stopped), a sender made; exits
 * non-zero on failure. */
export function runReaderBench(bench: (t: TestApp, browser: Browser, senderToken: string) => Promise<void>): void {
  const run = async () => {
    if (!chromiumPath()) throw new Error('No Chromium found: install the chromium package or set CHROMIUM_PATH.');
    await build({ minify: true });
    const t = await startApp();
    const browser = await launchBrowser();
    // Figures on a busy machine say more about the machine: the load is printed beside them.
    const load = () => os.loadavg()[0]!.toFixed(1);
    console.log(`load average at start: ${load()} on ${os.cpus().length} cores`);
    try {
      await bench(t, browser, (await t.sender()).token);
      console.log(`load average at the end: ${load()}`);
    } finally {
      await browser.close();
      await t.close();
    }
  };
  run().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
