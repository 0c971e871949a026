// Range reads of the reader's PDF on S3: through the app (GET /v/:token/file, which checks the link and proxies
// the range from the bucket) against a presigned GetObject URL fetched straight from the store, in the same run,
// against s3rver on loopback. Prints figures only. Run: npm exec -- node tests/bench/blob-ranges.bench.ts
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { S3BlobStore } from '../../storage/blobs/s3.ts';
import { createLink, startApp, uploadReady } from '../helpers/app.ts';
import { makePdf } from '../helpers/pdf.ts';
import { startS3 } from '../helpers/s3rver.ts';
import { fileAccess } from '../helpers/sockets.ts';

const ROUNDS = Number(process.env.BENCH_RANGE_READS ?? 300);
const CHUNK = 64 * 1024; // pdf.js asks for 64 KiB ranges by default
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

async function timedRange(url: string, start: number, size: number, headers = {}): Promise<number> {
  const end = Math.min(size - 1, start + CHUNK - 1);
  const t0 = performance.now();
  const res = await fetch(url, {
    headers: { ...headers, range: `bytes=${start}-${end}` },
    signal: AbortSignal.timeout(30_000),
  });
  const body = Buffer.from(await res.arrayBuffer());
  const ms = performance.now() - t0;
  if (res.status !== 206 || body.length !== end - start + 1)
    throw new Error(`${url.split('?')[0]} answered ${res.status} with ${body.length} bytes for ${start}-${end}`);
  return ms;
}

const s3 = await startS3('pagetrail-bench');
const t = await startApp(s3.env);
try {
  const sender = await t.sender();
  const id = await uploadReady(t, sender.token, makePdf(20, { padBytes: 250_000 }), 'Bench.pdf');
  const link = await createLink(t, sender.token, id);
  const proxied = `${t.url}/v/${link.token}/file`;
  // The reader's file token, as a live visit gets it.
  const access = await fileAccess(t.url, link.token);
  const store = t.blobs as S3BlobStore;
  const key = `docs/${id}/document.pdf`;
  const size = (await store.stat(key))!.size;

  // What the presigned design would add per link open: signing a URL (a local HMAC, no request).
  const signTimes: number[] = [];
  let presigned = '';
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    presigned = await getSignedUrl(store.s3, new GetObjectCommand({ Bucket: store.bucket, Key: key }), {
      expiresIn: 300,
    });
    signTimes.push(performance.now() - t0);
  }

  for (let i = 0; i < 20; i++) {
    await timedRange(proxied, 0, size, access);
    await timedRange(presigned, 0, size);
  }
  const times = { proxy: [] as number[], presigned: [] as number[] };
  for (let i = 0; i < ROUNDS; i++) {
    const start = Math.floor(Math.random() * Math.max(1, size - CHUNK));
    // Alternate which goes first so neither always meets a warm cache.
    const order = i % 2 ? (['proxy', 'presigned'] as const) : (['presigned', 'proxy'] as const);
    for (const which of order)
      times[which].push(
        await timedRange(which === 'proxy' ? proxied : presigned, start, size, which === 'proxy' ? access : {}),
      );
  }
  console.log(
    `PDF of ${(size / 1e6).toFixed(1)} MB on s3rver; ${ROUNDS} random ${CHUNK / 1024} KiB ranges each, alternating`,
  );
  for (const [name, xs] of Object.entries(times)) {
    console.log(
      `${name.padEnd(10)} p50 ${pct(xs, 0.5).toFixed(2)} ms  p95 ${pct(xs, 0.95).toFixed(2)} ms  p99 ${pct(xs, 0.99).toFixed(2)} ms`,
    );
  }
  console.log(
    `proxy / presigned: p50 x${(pct(times.proxy, 0.5) / pct(times.presigned, 0.5)).toFixed(2)}, p95 x${(pct(times.proxy, 0.95) / pct(times.presigned, 0.95)).toFixed(2)}`,
  );
  console.log(`signing one presigned URL: p50 ${pct(signTimes, 0.5).toFixed(2)} ms`);
} finally {
  await t.close();
  await s3.close();
}
