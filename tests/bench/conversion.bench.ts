// Conversion benchmark: the warm UNO pool against per-call libreoffice-convert, same fixtures, same run.
// Prints figures only (no timed assertions). Run: npm exec -- node tests/bench/conversion.bench.ts
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Converter, OfficeFormat } from '../../server/conversion/converter.ts';
import { libreOfficeConvert, unoPool, workRoot } from '../helpers/converters.ts';
import { fixture } from '../helpers/fixtures.ts';

const CASES: Array<{ label: string; format: OfficeFormat; pages: number }> = [
  { label: '3-page DOCX', format: 'docx', pages: 3 },
  { label: '5-slide PPTX', format: 'pptx', pages: 5 },
  { label: '50-page DOCX', format: 'docx', pages: 50 },
  { label: '30-slide PPTX', format: 'pptx', pages: 30 },
];
const ITERATIONS = {
  pool: Number(process.env.BENCH_POOL_ITERATIONS ?? 15),
  lo: Number(process.env.BENCH_LO_ITERATIONS ?? 5),
};
const THROUGHPUT_JOBS = 16;

const root = await workRoot('bench');
let n = 0;

async function once(c: Converter, inputPath: string, format: OfficeFormat): Promise<number> {
  const outputDir = path.join(root, `out-${++n}`);
  await fs.mkdir(outputDir);
  const t = performance.now();
  await c.convert({ inputPath, format, outputDir });
  const ms = performance.now() - t;
  await fs.rm(outputDir, { recursive: true });
  return ms;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
}

const fmt = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;

async function latency(c: Converter, iterations: number) {
  const out: Record<string, { median: number; p90: number }> = {};
  for (const k of CASES) {
    const input = await fixture(k.format, k.pages);
    await once(c, input, k.format); // warm-up (pool start, caches), not counted
    const times: number[] = [];
    for (let i = 0; i < iterations; i++) times.push(await once(c, input, k.format));
    out[k.label] = { median: quantile(times, 0.5), p90: quantile(times, 0.9) };
  }
  return out;
}

async function throughput(c: Converter, concurrency: number): Promise<number> {
  const input = await fixture('docx', 3);
  // Warm as many pooled processes as will be used, so lazy start-up is not timed.
  await Promise.all(Array.from({ length: concurrency }, () => once(c, input, 'docx')));
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < THROUGHPUT_JOBS) await once(c, input, 'docx');
    }),
  );
  return THROUGHPUT_JOBS / ((performance.now() - t) / 1000);
}

try {
  for (const k of CASES) await fixture(k.format, k.pages); // make fixtures before timing anything
  const pool = unoPool(path.join(root, 'pool'), { size: 4, queueMax: 64, restartAfter: 1000 });
  const lo = libreOfficeConvert(path.join(root, 'lo'));
  const poolLat = await latency(pool, ITERATIONS.pool);
  const loLat = await latency(lo, ITERATIONS.lo);

  console.log(
    `\nLatency (pool: ${ITERATIONS.pool} runs, libreoffice-convert: ${ITERATIONS.lo} runs per fixture, after one warm-up)`,
  );
  console.log('fixture          pool median   pool p90   lo-convert median   lo-convert p90   speed-up (median)');
  for (const k of CASES) {
    const p = poolLat[k.label]!;
    const l = loLat[k.label]!;
    console.log(
      `${k.label.padEnd(15)} ${fmt(p.median)}  ${fmt(p.p90)}   ${fmt(l.median)}        ${fmt(l.p90)}       ${(l.median / p.median).toFixed(1)}x`,
    );
  }

  console.log(`\nThroughput, 3-page DOCX, ${THROUGHPUT_JOBS} jobs (pool size 4)`);
  for (const conc of [1, 2, 4]) {
    const p = await throughput(pool, conc);
    const l = await throughput(lo, conc);
    console.log(`concurrency ${conc}: pool ${p.toFixed(1)} docs/s, libreoffice-convert ${l.toFixed(1)} docs/s`);
  }
  await pool.close();
  await lo.close();
} finally {
  await fs.rm(root, { recursive: true, force: true });
}
