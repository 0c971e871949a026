// Upload-to-ready through the HTTP API (multipart upload, type check, conversion, inspection, object packing,
// thumbnail, storage) with the warm pool, against the per-call libreoffice-convert adapter in the same run.
// Prints figures only. Run: npm exec -- node tests/bench/upload-ready.bench.ts
import fs from 'node:fs';
import { startApp, waitReady, type TestApp } from '../helpers/app.ts';
import { fixture } from '../helpers/fixtures.ts';

const ITERATIONS = { uno: Number(process.env.BENCH_UPLOAD_ITERATIONS ?? 20), 'libreoffice-convert': 5 };
const CASES = [
  { label: '3-page DOCX', format: 'docx', pages: 3 },
  { label: '5-slide PPTX', format: 'pptx', pages: 5 },
] as const;

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

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
  const doc = await waitReady(t, token, id);
  if (doc.status !== 'ready') throw new Error(`${name}: ${JSON.stringify(doc.error)}`);
  return performance.now() - started;
}

const medians: Record<string, Record<string, number>> = {};
for (const engine of ['uno', 'libreoffice-convert'] as const) {
  const t = await startApp({ CONVERTER: engine });
  const s = await t.sender();
  try {
    for (const c of CASES) {
      const body = fs.readFileSync(await fixture(c.format, c.pages));
      await uploadToReady(t, s.token, body, `warm.${c.format}`);
      const times: number[] = [];
      for (let i = 0; i < ITERATIONS[engine]; i++)
        times.push(await uploadToReady(t, s.token, body, `doc${i}.${c.format}`));
      (medians[c.label] ??= {})[engine] = pct(times, 0.5);
      console.log(
        `${engine.padEnd(20)} ${c.label.padEnd(14)} upload-to-ready median ${pct(times, 0.5).toFixed(0)} ms, p90 ${pct(times, 0.9).toFixed(0)} ms (n=${times.length})`,
      );
    }
  } finally {
    await t.close();
  }
}
for (const [label, m] of Object.entries(medians)) {
  console.log(
    `${label}: warm pool is ${((m['libreoffice-convert'] ?? 0) / (m.uno ?? 1)).toFixed(1)}x faster upload-to-ready than libreoffice-convert`,
  );
}
