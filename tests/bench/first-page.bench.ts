// Benchmark: time to the first rendered page of a large PDF (300 pages, ~50 MB) in headless Chromium through the
// real reader (/v/:token), on a throttled network (CDP Network.emulateNetworkConditions), against the time to fetch
// the whole file under the same throttling. Also lists every request made before the first page appeared.
// Knobs (environment): BENCH_MBIT (10), BENCH_LATENCY_MS (40), BENCH_PAGES (300), BENCH_PAD_BYTES (170000).
import type { CDPSession, Page } from 'playwright-core';
import { build } from '../../viewer/build.ts';
import { createLink, startApp, waitReady } from '../helpers/app.ts';
import { chromiumPath, launchBrowser } from '../helpers/browser.ts';
import { makePdf } from '../helpers/pdf.ts';
import { fileAccess } from '../helpers/sockets.ts';
import { envNumber, mb, ms } from './lib/stats.ts';

const MBIT = envNumber('BENCH_MBIT', 10);
const LATENCY_MS = envNumber('BENCH_LATENCY_MS', 40);
const PAGES = envNumber('BENCH_PAGES', 300);
const PAD_BYTES = envNumber('BENCH_PAD_BYTES', 170_000);
const GOAL_MS = 2000;
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

/** Records (page clock, ms since navigation start) when page 1's canvas appears and when the reader marks the first render done. */
async function watchFirstPage(page: Page, onFirstRender: () => void): Promise<void> {
  await page.exposeFunction('__benchFirstRender', onFirstRender);
  await page.addInitScript(() => {
    const w = window as unknown as { __bench: Record<string, number>; __benchFirstRender(): void };
    w.__bench = {};
    const check = () => {
      if (w.__bench.canvas === undefined && document.querySelector('.page[data-page-number="1"] canvas'))
        w.__bench.canvas = performance.now();
      // main.ts marks the progress bar done on the first pdf.js `pagerendered` (or on a load error, which #notice shows).
      if (w.__bench.rendered === undefined && document.querySelector('#progress.progress-done')) {
        w.__bench.rendered = performance.now();
        const notice = document.getElementById('notice');
        if (notice && !notice.hidden) w.__bench.error = 1;
        w.__benchFirstRender();
      }
    };
    new MutationObserver(check).observe(document, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['class'],
    });
  });
}

async function main(): Promise<void> {
  if (!chromiumPath()) throw new Error('No Chromium found: install the chromium package or set CHROMIUM_PATH.');
  await build({ minify: true });
  const t = await startApp();
  const browser = await launchBrowser();
  try {
    const sender = await t.sender();
    const auth = { authorization: `Bearer ${sender.token}` };
    const pdf = makePdf(PAGES, { padBytes: PAD_BYTES });
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), 'Big.pdf');
    let started = performance.now();
    const up = await fetch(`${t.url}/api/documents`, { method: 'POST', headers: auth, body: form });
    if (up.status !== 202) throw new Error(`upload: HTTP ${up.status} ${await up.text()}`);
    const { id } = (await up.json()) as { id: string };
    const doc = await waitReady(t, sender.token, id, 300_000);
    if (doc.status !== 'ready') throw new Error(`document ${String(doc.status)}: ${JSON.stringify(doc)}`);
    const ingestMs = performance.now() - started;
    const link = await createLink(t, sender.token, id);
    const fileUrl = `${link.url}/file`;
    // The file answers only a live visit's token (the reader gets its own in visit:started).
    const access = await fileAccess(t.url, link.url.split('/v/')[1]!);
    const head = await fetch(fileUrl, { headers: { ...access, range: 'bytes=-65536' } });
    const size = Number(head.headers.get('content-range')?.split('/')[1]);
    // Packed by qpdf at ingest: the cross-reference is a stream (PDF 1.5 object streams), not a classic xref table.
    const packed = /\/Type\s*\/XRef/.test(Buffer.from(await head.arrayBuffer()).toString('latin1'));
    console.log(
      `document: ${PAGES} pages, upload ${mb(pdf.length)}, stored ${mb(size)}, object streams: ${packed ? 'yes' : 'no (qpdf missing or failed)'}; upload+ingest ${ms(ingestMs)}`,
    );
    console.log(
      `network: ${MBIT} Mbit/s down and up, ${LATENCY_MS} ms latency (CDP Network.emulateNetworkConditions), cache disabled`,
    );

    // 1. The reader, from navigation start to page 1 rendered.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const net = await watchNetwork(await context.newCDPSession(page));
    let bytesAtFirst = 0;
    let cdpSnapshot: Req[] = [];
    let firstSeen!: () => void;
    const first = new Promise<void>((r) => (firstSeen = r));
    await watchFirstPage(page, () => {
      bytesAtFirst = net.total();
      cdpSnapshot = [...net.requests.values()].map((r) => ({ ...r }));
      firstSeen();
    });
    await page.goto(link.url, { waitUntil: 'commit' });
    await Promise.race([
      first,
      new Promise((_, rej) => setTimeout(() => rej(new Error('first page never rendered')), FIRST_PAGE_TIMEOUT_MS)),
    ]);
    const marks = await page.evaluate(() => (window as unknown as { __bench: Record<string, number> }).__bench);
    if (marks.error) throw new Error('the reader showed an error notice instead of the document');
    await page.waitForTimeout(1000);
    const settledRequests = [...net.requests.values()];
    await context.close();

    const t0 = cdpSnapshot[0]?.sentAt ?? 0;
    const at = (sec: number) => `+${Math.round((sec - t0) * 1000)} ms`;
    const isPdf = (r: Req) => r.url.startsWith(fileUrl);
    const name = (r: Req) => (isPdf(r) ? 'PDF' : new URL(r.url).pathname.replace(/^\/v\/[^/]+/, '/v/:token'));
    // The pdf.js worker script is fetched for a worker target, whose network events this page session does not see:
    // take its size from the server.
    const unseen = new Map<string, number>();
    for (const r of cdpSnapshot) {
      if (!isPdf(r) && !r.end && r.bytes === 0) {
        const h = await fetch(r.url, { method: 'HEAD' });
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
    const pdfReqs = cdpSnapshot.filter(isPdf);
    console.log('\nrequests before page 1 rendered (times from the navigation request, CDP clock; bytes on the wire):');
    for (const r of cdpSnapshot.filter((r) => !isPdf(r))) console.log(line(r));
    const SHOW = 4;
    for (const r of pdfReqs.slice(0, SHOW)) console.log(line(r));
    const rest = pdfReqs.slice(SHOW);
    if (rest.length) {
      const restBytes = rest.reduce((n, r) => n + r.bytes, 0);
      const lastEnd = Math.max(...rest.map((r) => r.endAt ?? 0));
      console.log(
        `  ... ${rest.length} more PDF range requests, sent ${at(Math.min(...rest.map((r) => r.sentAt)))} to ${at(Math.max(...rest.map((r) => r.sentAt)))}, ${mb(restBytes)}, last finished ${at(lastEnd)}`,
      );
      for (const r of rest.slice(-2)) console.log(line(r));
    }
    const pdfBytes = pdfReqs.reduce((n, r) => n + r.bytes, 0);
    const assetBytes = bytesAtFirst - pdfBytes + [...unseen.values()].reduce((a, b) => a + b, 0);
    const later = settledRequests.filter((r) => !cdpSnapshot.some((s) => s.id === r.id));
    if (later.length)
      console.log(
        `  (then ${later.length} more request(s) in the following second: ${[...new Set(later.map(name))].slice(0, 4).join(', ')})`,
      );

    // 2. The baseline: the whole file with fetch, same throttling, from a page of the same origin.
    const ctx2 = await browser.newContext();
    const page2 = await ctx2.newPage();
    await page2.goto(`${t.url}/`);
    await watchNetwork(await ctx2.newCDPSession(page2));
    const whole = await page2.evaluate(
      async ([url, headers]) => {
        const start = performance.now();
        const r = await fetch(url, { cache: 'no-store', headers });
        const body = await r.arrayBuffer();
        return { ms: performance.now() - start, bytes: body.byteLength, status: r.status };
      },
      [fileUrl, access] as const,
    );
    await ctx2.close();

    console.log('\nresults');
    console.log(
      `  first page: canvas in DOM at ${ms(marks.canvas ?? NaN)}, rendered (pagerendered) at ${ms(marks.rendered!)} after navigation start`,
    );
    console.log(
      `  bytes fetched before it: PDF ${mb(pdfBytes)} in ${pdfReqs.length} request(s) (${((100 * pdfBytes) / size).toFixed(1)}% of the file); page, scripts, styles and worker ${mb(assetBytes)}`,
    );
    const firstPdf = pdfReqs[0]?.sentAt;
    if (firstPdf)
      console.log(
        `  first PDF request at ${at(firstPdf)} (everything before it is the page, its assets and the pdf.js worker)`,
      );
    console.log(`  whole file by fetch: ${ms(whole.ms)} for ${mb(whole.bytes)} (HTTP ${whole.status})`);
    console.log(
      `  ratio first page / whole file: ${(marks.rendered! / whole.ms).toFixed(3)}; goal <= ${GOAL_MS} ms: ${marks.rendered! <= GOAL_MS ? 'met' : 'not met'}`,
    );
  } finally {
    await browser.close();
    await t.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
