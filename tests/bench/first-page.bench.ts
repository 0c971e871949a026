// Benchmark: time to the first visible page (the server-made image of page 1), to page 1 drawn by pdf.js and to
// page 1 readable (its text layer) for a large PDF (300 pages, ~50 MB) and a small one (10 pages), in headless
// Chromium through the real reader (/v/:token) on a throttled network (CDP Network.emulateNetworkConditions),
// against the time to fetch the whole file under the same throttling (the baseline, measured in the same run).
// Also lists every request made before the large PDF's page 1 was readable.
// Knobs (environment): BENCH_MBIT (10), BENCH_LATENCY_MS (40), BENCH_PAGES (300), BENCH_SMALL_PAGES (10),
// BENCH_PAD_BYTES (170000).
import type { Browser, CDPSession } from 'playwright-core';
import { makePdf } from '../helpers/pdf.ts';
import {
  type BenchDocument,
  benchDocument,
  deadline,
  type ReaderMarks,
  runReaderBench,
  watchReader,
} from './lib/reader-marks.ts';
import { envNumber, mb, ms } from './lib/stats.ts';

const MBIT = envNumber('BENCH_MBIT', 10);
const LATENCY_MS = envNumber('BENCH_LATENCY_MS', 40);
const PAGES = envNumber('BENCH_PAGES', 300);
const PAD_BYTES = envNumber('BENCH_PAD_BYTES', 170_000);
const SMALL_PAGES = envNumber('BENCH_SMALL_PAGES', 10);
/** First visible page: the large PDF, the small one; page 1 readable (text rendered). */
const GOALS = { large: 1000, small: 600, readable: 1500 };
const FIRST_PAGE_TIMEOUT_MS = 120_000;

interface Req {
  id: string;
  url: string;
  /** Seconds on the CDP clock. */
  sentAt: number;
  range?: string;
  status?: number;
  contentRange?: string;
  /** Bytes received on the wire so far (headers and body). */
  bytes: number;
  end?: 'finished' | 'canceled' | 'failed';
  endAt?: number;
}

/** Throttles the page's network and records each request and the bytes it brought in. */
async function watchNetwork(cdp: CDPSession): Promise<{ requests: Map<string, Req>; total(): number }> {
  const requests = new Map<string, Req>();
  cdp.on('Network.requestWillBeSent', (e) => {
    const h = e.request.headers as Record<string, string>;
    requests.set(e.requestId, {
      id: e.requestId,
      url: e.request.url,
      sentAt: e.timestamp,
      range: h.Range ?? h.range,
      bytes: 0,
    });
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = requests.get(e.requestId);
    if (!r) return;
    const h = e.response.headers as Record<string, string>;
    r.status = e.response.status;
    r.contentRange = h['Content-Range'] ?? h['content-range'];
  });
  cdp.on('Network.dataReceived', (e) => {
    const r = requests.get(e.requestId);
    if (r) r.bytes += e.encodedDataLength;
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = requests.get(e.requestId);
    // encodedDataLength here is the request's total; dataReceived may not have reported headers.
    if (r) Object.assign(r, { bytes: Math.max(r.bytes, e.encodedDataLength), end: 'finished', endAt: e.timestamp });
  });
  cdp.on('Network.loadingFailed', (e) => {
    const r = requests.get(e.requestId);
    if (r) Object.assign(r, { end: e.canceled ? 'canceled' : 'failed', endAt: e.timestamp });
  });
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: LATENCY_MS,
    downloadThroughput: (MBIT * 1e6) / 8,
    uploadThroughput: (MBIT * 1e6) / 8,
  });
  return { requests, total: () => [...requests.values()].reduce((n, r) => n + r.bytes, 0) };
}

/** Opens the reader on `doc` in a fresh throttled context, waits for page 1's text layer, and (for the large PDF)
 * lists the requests made until then. */
async function readerRun(browser: Browser, doc: BenchDocument, list: boolean): Promise<ReaderMarks> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    const net = await watchNetwork(await context.newCDPSession(page));
    const reader = await watchReader(page);
    await page.goto(doc.url, { waitUntil: 'commit' });
    await Promise.race([reader.done, deadline(FIRST_PAGE_TIMEOUT_MS, 'page 1 with its text layer')]);
    const bytesAtText = net.total();
    const snapshot = [...net.requests.values()].map((r) => ({ ...r }));
    const marks = await reader.marks();
    if (marks.error !== undefined) throw new Error('the reader showed an error notice instead of the document');
    if (list) await listRequests(doc, snapshot, bytesAtText);
    return marks;
  } finally {
    await context.close();
  }
}

async function listRequests(doc: BenchDocument, snapshot: Req[], bytesAtText: number): Promise<void> {
  const t0 = snapshot[0]?.sentAt ?? 0;
  const at = (sec: number) => `+${Math.round((sec - t0) * 1000)} ms`;
  const isPdf = (r: Req) => r.url.startsWith(doc.fileUrl);
  const name = (r: Req) => (isPdf(r) ? 'PDF' : new URL(r.url).pathname.replace(/^\/v\/[^/]+/, '/v/:token'));
  // The pdf.js worker script is fetched for a worker target, whose network events this page session does not see:
  // take its size (as sent to a browser that accepts Brotli) from the server.
  const unseen = new Map<string, number>();
  for (const r of snapshot) {
    if (!isPdf(r) && !r.end && r.bytes === 0) {
      const h = await fetch(r.url, { method: 'HEAD', headers: { 'accept-encoding': 'br' } });
      unseen.set(r.id, Number(h.headers.get('content-length') ?? 0));
    }
  }
  const line = (r: Req) => {
    const detail = isPdf(r)
      ? ` range ${r.range ?? '(none)'} -> ${r.status ?? '...'} ${r.contentRange ?? ''}`
      : ` ${r.status ?? '...'}`;
    const bytes = unseen.has(r.id) ? `${mb(unseen.get(r.id)!)} (size from the server; worker target)` : mb(r.bytes);
    const end = r.end ? `${r.end} at ${at(r.endAt!)}` : 'not finished on this session';
    return `  ${at(r.sentAt).padStart(10)}  ${name(r).padEnd(28)}${detail}  ${bytes}  ${end}`;
  };
  console.log(
    '\nrequests before page 1 was readable (times from the navigation request, CDP clock; bytes on the wire):',
  );
  const pdfReqs = snapshot.filter(isPdf);
  for (const r of snapshot.filter((r) => !isPdf(r))) console.log(line(r));
  const SHOW = 5;
  for (const r of pdfReqs.slice(0, SHOW)) console.log(line(r));
  const rest = pdfReqs.slice(SHOW);
  if (rest.length) {
    const restBytes = rest.reduce((n, r) => n + r.bytes, 0);
    console.log(`  ... ${rest.length} more PDF range requests, ${mb(restBytes)}`);
  }
  const pdfBytes = pdfReqs.reduce((n, r) => n + r.bytes, 0);
  const assetBytes = bytesAtText - pdfBytes + [...unseen.values()].reduce((a, b) => a + b, 0);
  console.log(
    `  bytes: PDF ${mb(pdfBytes)} in ${pdfReqs.length} request(s); page, page-1 image, scripts, styles and worker ${mb(assetBytes)}`,
  );
  if (pdfReqs[0]) console.log(`  first PDF request at ${at(pdfReqs[0].sentAt)}`);
}

/** The baseline: the whole file with fetch, same throttling, from a page of the same origin. */
async function wholeFile(browser: Browser, base: string, doc: BenchDocument): Promise<{ ms: number; bytes: number }> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await watchNetwork(await context.newCDPSession(page));
    return await page.evaluate(
      async ([url, headers]) => {
        const start = performance.now();
        const r = await fetch(url, { cache: 'no-store', headers });
        const body = await r.arrayBuffer();
        if (r.status !== 200) throw new Error(`whole file: HTTP ${r.status}`);
        return { ms: performance.now() - start, bytes: body.byteLength };
      },
      [doc.fileUrl, doc.access] as const,
    );
  } finally {
    await context.close();
  }
}

const verdict = (value: number | undefined, goal: number) =>
  value === undefined
    ? 'not seen'
    : `${ms(value)} (goal <= ${goal} ms: ${value <= goal ? 'met' : `missed by ${ms(value - goal)}`})`;

runReaderBench(async (t, browser, senderToken) => {
  console.log(
    `network: ${MBIT} Mbit/s down and up, ${LATENCY_MS} ms latency (CDP Network.emulateNetworkConditions), cache disabled; viewport 1280x800`,
  );
  const cases = [
    { label: 'large', pages: PAGES, goal: GOALS.large, list: true },
    { label: 'small', pages: SMALL_PAGES, goal: GOALS.small, list: false },
  ];
  for (const c of cases) {
    const pdf = makePdf(c.pages, { padBytes: PAD_BYTES });
    const doc = await benchDocument(t, senderToken, pdf, `${c.label}.pdf`);
    const whole = await wholeFile(browser, t.url, doc);
    console.log(
      `\n${c.label} document: ${c.pages} pages, ${mb(whole.bytes)} stored; upload to ready ${ms(doc.ingestMs)}`,
    );
    const marks = await readerRun(browser, doc, c.list);
    console.log(`  first visible page (page-1 image): ${verdict(marks.image, c.goal)}`);
    console.log(`  page 1 drawn by pdf.js (canvas, pagerendered): ${ms(marks.rendered ?? NaN)}`);
    console.log(`  page 1 readable (text layer): ${verdict(marks.text, GOALS.readable)}`);
    console.log(
      `  baseline, whole file by fetch: ${ms(whole.ms)}; first visible / whole file: ${((marks.image ?? marks.rendered ?? NaN) / whole.ms).toFixed(3)}`,
    );
  }
});
