// Benchmark: the reader on a phone. A 375 px wide touch viewport (2 device pixels per CSS pixel), the CPU slowed
// 4x (CDP Emulation.setCPUThrottlingRate), the network at BENCH_MBIT/BENCH_LATENCY_MS: time to the first visible
// page (page-1 image), to page 1 drawn and readable; then, network unthrottled, a scroll through every page and the
// memory left (main-thread JS heap after a GC, canvases alive and their pixels), which shows that pages far from
// view are released (pdf.js keeps a small buffer of rendered pages). The same run without the CPU slow-down is the
// baseline. Knobs (environment): BENCH_MBIT (10), BENCH_LATENCY_MS (40), BENCH_PAGES (300), BENCH_PAD_BYTES (170000),
// BENCH_CPU_RATE (4).
import type { Browser } from 'playwright-core';
import { makePdf } from '../helpers/pdf.ts';
import { type BenchDocument, benchDocument, deadline, runReaderBench, watchReader } from './lib/reader-marks.ts';
import { envNumber, mb, ms } from './lib/stats.ts';

const MBIT = envNumber('BENCH_MBIT', 10);
const LATENCY_MS = envNumber('BENCH_LATENCY_MS', 40);
const PAGES = envNumber('BENCH_PAGES', 300);
const PAD_BYTES = envNumber('BENCH_PAD_BYTES', 170_000);
const CPU_RATE = envNumber('BENCH_CPU_RATE', 4);
const FIRST_PAGE_TIMEOUT_MS = 180_000;
const SCROLL_STEP_MS = 40;

interface PhoneRun {
  image?: number;
  rendered?: number;
  text?: number;
  heapAfterFirst: number;
  heapAfterScroll: number;
  canvases: number;
  canvasPixels: number;
  pagesSeen: number;
  scrollMs: number;
}

async function phoneRun(browser: Browser, doc: BenchDocument, cpuRate: number): Promise<PhoneRun> {
  const context = await browser.newContext({
    viewport: { width: 375, height: 667 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuRate });
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const throttle = (on: boolean) =>
      cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: on ? LATENCY_MS : 0,
        downloadThroughput: on ? (MBIT * 1e6) / 8 : -1,
        uploadThroughput: on ? (MBIT * 1e6) / 8 : -1,
      });
    await throttle(true);
    await cdp.send('HeapProfiler.enable');
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    const reader = await watchReader(page);
    await page.goto(doc.url, { waitUntil: 'commit' });
    await Promise.race([reader.done, deadline(FIRST_PAGE_TIMEOUT_MS, 'page 1 with its text layer on the phone')]);
    const marks = await reader.marks();
    if (marks.error !== undefined) throw new Error('the reader showed an error notice instead of the document');
    const heapAfterFirst = await heap();

    // Every page passes through the view, one screen at a time (the bytes come unthrottled: this is about memory).
    await throttle(false);
    const started = performance.now();
    const pagesSeen = await page.evaluate(async (stepMs) => {
      const container = document.getElementById('viewer-container')!;
      const seen = new Set<string>();
      while (container.scrollTop + container.clientHeight < container.scrollHeight - 1) {
        container.scrollBy(0, container.clientHeight);
        await new Promise((r) => setTimeout(r, stepMs));
        for (const p of document.querySelectorAll('.page[data-loaded="true"]'))
          seen.add(p.getAttribute('data-page-number') ?? '');
      }
      return seen.size;
    }, SCROLL_STEP_MS);
    const scrollMs = performance.now() - started;
    // Let the last pages render, then count what is still held.
    await page.waitForTimeout(2000);
    const held = await page.evaluate(() => {
      const canvases = [...document.querySelectorAll('canvas')];
      return { canvases: canvases.length, pixels: canvases.reduce((n, c) => n + c.width * c.height, 0) };
    });
    return {
      image: marks.image,
      rendered: marks.rendered,
      text: marks.text,
      heapAfterFirst,
      heapAfterScroll: await heap(),
      canvases: held.canvases,
      canvasPixels: held.pixels,
      pagesSeen,
      scrollMs,
    };
  } finally {
    await context.close();
  }
}

runReaderBench(async (t, browser, senderToken) => {
  const doc = await benchDocument(t, senderToken, makePdf(PAGES, { padBytes: PAD_BYTES }), 'phone.pdf');
  console.log(
    `document: ${PAGES} pages; phone: 375x667 CSS px at 2x, touch; network ${MBIT} Mbit/s, ${LATENCY_MS} ms until page 1, then unthrottled`,
  );
  for (const rate of [1, CPU_RATE]) {
    const r = await phoneRun(browser, doc, rate);
    const label = rate === 1 ? 'baseline, CPU not slowed' : `CPU slowed ${rate}x`;
    console.log(`\n${label}`);
    console.log(
      `  first visible page (page-1 image) ${ms(r.image ?? NaN)}; page 1 drawn ${ms(r.rendered ?? NaN)}; readable (text layer) ${ms(r.text ?? NaN)}`,
    );
    console.log(
      `  scrolled through ${PAGES} pages in ${ms(r.scrollMs)} (${r.pagesSeen} pages rendered on the way); JS heap after page 1 ${mb(r.heapAfterFirst)}, after the scroll ${mb(r.heapAfterScroll)}`,
    );
    console.log(
      `  canvases alive after the scroll: ${r.canvases} (${mb(r.canvasPixels * 4)} of pixels); pages far from view released: ${r.canvases <= 12 ? 'yes' : 'NO'}`,
    );
  }
});
