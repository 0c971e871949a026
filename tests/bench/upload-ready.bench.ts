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
  return performance.now() - started;
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

const t = await startApp({ CONVERTER: 'uno' });
const s = await t.sender();
try {
  for (const c of CASES) {
    const file = await fixture(c.format, c.pages);
    const body = fs.readFileSync(file);
    await uploadToReady(t, s.token, body, `warm.${c.format}`);
    await convertOnly(t, file, c.format);
    const ready: number[] = [];
    const convert: number[] = [];
    // Interleaved, so both see the same machine load.
    for (let i = 0; i < c.n; i++) {
      convert.push(await convertOnly(t, file, c.format));
      ready.push(await uploadToReady(t, s.token, body, `doc${i}.${c.format}`));
    }
    const over = pct(ready, 0.5) - pct(convert, 0.5);
    console.log(
      `${c.label.padEnd(14)} upload-to-ready ${fmt(ready)} | pool conversion ${fmt(convert)} | ready ${over.toFixed(0)} ms after the conversion (goal <= 50 ms) (n=${c.n})`,
    );
  }

  const file = await fixture('pptx', 30);
  const body = fs.readFileSync(file);
  const pool = t.config.CONVERT_POOL_SIZE;
  const batch: number[] = [];
  const each: number[] = [];
  const convertBatch: number[] = [];
  for (let r = 0; r < CONCURRENT_ROUNDS; r++) {
    let started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENT }, () => convertOnly(t, file, 'pptx')));
    convertBatch.push(performance.now() - started);
    started = performance.now();
    const times = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) => uploadToReady(t, s.token, body, `c${r}-${i}.pptx`)),
    );
    batch.push(performance.now() - started);
    each.push(...times);
  }
  console.log(
    `${CONCURRENT} x 30-slide PPTX at once (pool of ${pool}): all ready ${fmt(batch)}, each ${fmt(each)} | the pool converting the same ${CONCURRENT} at once: ${fmt(convertBatch)} | ready ${(pct(batch, 0.5) - pct(convertBatch, 0.5)).toFixed(0)} ms after the conversions (n=${CONCURRENT_ROUNDS} rounds)`,
  );
} finally {
  await t.close();
}
