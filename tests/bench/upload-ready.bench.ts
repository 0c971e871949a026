// Upload-to-ready through the HTTP API (multipart upload, type check, conversion, inspection, object packing,
// storage) against the warm pool's own conversion time for the same file, measured in the same run with the same
// app. The goal: ready within 50 ms of the conversion for small documents, and concurrent uploads that scale with
// the pool. Prints figures only. Run: nice -n 10 npm exec -- node tests/bench/upload-ready.bench.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { OfficeFormat } from '../../server/conversion/converter.ts';
import { startApp, waitReady, type TestApp } from '../helpers/app.ts';
import { fixture } from '../helpers/fixtures.ts';
import { captureLogs } from '../helpers/logs.ts';

const N = Number(process.env.BENCH_UPLOAD_ITERATIONS ?? 15);
const CASES: { label: string; format: OfficeFormat; pages: number; n: number }[] = [
  { label: '3-page DOCX', format: 'docx', pages: 3, n: N },
  { label: '5-slide PPTX', format: 'pptx', pages: 5, n: N },
  { label: '30-slide PPTX', format: 'pptx', pages: 30, n: Math.max(3, Math.ceil(N / 2)) },
];
const CONCURRENT = 4;
const CONCURRENT_ROUNDS = Number(process.env.BENCH_UPLOAD_ROUNDS ?? 4);

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const fmt = (xs: number[]) => `median ${pct(xs, 0.5).toFixed(0)} ms, p90 ${pct(xs, 0.9).toFixed(0)} ms`;

async function uploadToReady(t: TestApp, token: string, body: Buffer, name: string): Promise<number> {
  const started = performance.now();
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(body)]), name);
  const res = await fetch(`${t.url}/api/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const { id } = (await res.json()) as { id: string };
  if (!id) throw new Error(`${name}: upload answered ${res.status}`);
  const doc = await waitReady(t, token, id);
  if (doc.status !== 'ready') throw new Error(`${name}: ${JSON.stringify(doc.error)}`);
  const ms = performance.now() - started;
  // What is made after ready (thumbnail, page-1 image) ends before the next upload, so it is not left to slow it.
  await afterReadyDone(id, name);
  return ms;
}

/** The document's 'document ready' log line, written once its after-ready work is over. */
async function afterReadyDone(id: string, name: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!readyLines().some((l) => l.documentId === id)) {
    if (Date.now() > deadline) throw new Error(`${name}: no 'document ready' log line within 60 s of ready`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const readyLines = () =>
  lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'document ready');

const STEPS = ['receiveMs', 'storeOriginalMs', 'convertMs', 'inspectMs', 'packMs', 'sanitizeMs', 'storePdfMs'];

/** Median of each step over the ingests logged since `from`: where the time between upload and ready goes. */
function stepMedians(from: number): string {
  const logged = readyLines().slice(from);
  const parts = STEPS.map((k) => {
    const xs = logged.map((l) => l[k]).filter((v): v is number => typeof v === 'number');
    return xs.length ? `${k.replace(/Ms$/, '')} ${pct(xs, 0.5)}` : null;
  }).filter(Boolean);
  const scans = logged.filter((l) => l.scan === 'inactive').length;
  return `steps (median ms): ${parts.join(', ')}; qpdf skipped by the scan ${scans}/${logged.length}`;
}

/** The pool alone: the same file through the app's own converter, nothing before or after it. */
async function convertOnly(t: TestApp, file: string, format: OfficeFormat): Promise<number> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pagetrail-bench-'));
  try {
    const started = performance.now();
    await t.converter.convert({ inputPath: file, format, outputDir: out });
    return performance.now() - started;
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

const { logger, lines } = captureLogs('info');
console.log(
  `load average at start: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (${os.availableParallelism()} cores)`,
);
const t = await startApp({ CONVERTER: 'uno' }, { logger });
const s = await t.sender();
try {
  for (const c of CASES) {
    const file = await fixture(c.format, c.pages);
    const body = fs.readFileSync(file);
    await uploadToReady(t, s.token, body, `warm.${c.format}`);
    await convertOnly(t, file, c.format);
    const ready: number[] = [];
    const convert: number[] = [];
    const from = readyLines().length;
    // Interleaved, so both see the same machine load.
    for (let i = 0; i < c.n; i++) {
      convert.push(await convertOnly(t, file, c.format));
      ready.push(await uploadToReady(t, s.token, body, `doc${i}.${c.format}`));
    }
    const over = pct(ready, 0.5) - pct(convert, 0.5);
    console.log(
      `${c.label.padEnd(14)} upload-to-ready ${fmt(ready)} | pool conversion ${fmt(convert)} | ready ${over.toFixed(0)} ms after the conversion (goal <= 50 ms) (n=${c.n})`,
    );
    console.log(`  ${stepMedians(from)}`);
  }

  const file = await fixture('pptx', 30);
  const body = fs.readFileSync(file);
  const pool = t.config.CONVERT_POOL_SIZE;
  const batch: number[] = [];
  const each: number[] = [];
  const convertBatch: number[] = [];
  const from = readyLines().length;
  for (let r = 0; r < CONCURRENT_ROUNDS; r++) {
    const started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENT }, () => convertOnly(t, file, 'pptx')));
    convertBatch.push(performance.now() - started);
    const times = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) => uploadToReady(t, s.token, body, `c${r}-${i}.pptx`)),
    );
    // All ready: the last of them (each is timed from its own start, all started together).
    batch.push(Math.max(...times));
    each.push(...times);
  }
  console.log(
    `${CONCURRENT} x 30-slide PPTX at once (pool of ${pool}): all ready ${fmt(batch)}, each ${fmt(each)} | the pool converting the same ${CONCURRENT} at once: ${fmt(convertBatch)} | ready ${(pct(batch, 0.5) - pct(convertBatch, 0.5)).toFixed(0)} ms after the conversions, ${(pct(batch, 0.5) / pct(convertBatch, 0.5)).toFixed(2)}x the pool's time (goal: within 50 ms, scaling with the pool) (n=${CONCURRENT_ROUNDS} rounds)`,
  );
  console.log(`  ${stepMedians(from)}`);
  console.log(
    `load average at end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  await t.close();
}
