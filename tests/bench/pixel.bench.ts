// The open pixel and click redirect of the real app (token lookup, user agent, place, machine rules, events
// stored durably in SQLite on disk) against a bare node:http server answering the same GIF and redirect, in the
// same run, each server in its own process, autocannon on loopback: (a) the most requests/s with 10 connections,
// (b) latency at a fixed 2,000 requests/s. Prints figures and the events stored, asserts nothing.
// Run: npm run bench -- pixel   (BENCH_SECONDS, default 5, per measurement)
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import { envNumber } from './lib/stats.ts';

const SECONDS = envNumber('BENCH_SECONDS', 5);
const RATE = envNumber('BENCH_RATE', 2000);
const here = path.dirname(fileURLToPath(import.meta.url));
const UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

interface Server {
  child: ChildProcess;
  pixel: string;
  click: string;
}

function waitFor<T>(child: ChildProcess, type: string, what: string, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
    const on = (m: { type: string }) => {
      if (m.type !== type) return;
      clearTimeout(timer);
      child.off('message', on);
      resolve(m as T);
    };
    child.on('message', on);
    child.once('exit', (code) => reject(new Error(`${what}: the server exited (${code})`)));
  });
}

async function start(target: 'pagetrail' | 'bare'): Promise<Server> {
  const child = fork(path.join(here, 'lib', 'pixel-server.ts'), [target], {
    execArgv: process.execArgv,
    env: { ...process.env, TEST_LOG_LEVEL: 'silent', BENCH_UA: UA },
  });
  const ready = await waitFor<{ pixel: string; click: string }>(child, 'ready', `the ${target} server`);
  return { child, ...ready };
}

const row = (label: string, r: Result) =>
  `${label.padEnd(30)} ${r.requests.average.toFixed(0).padStart(7)} req/s   p50 ${String(r.latency.p50).padStart(3)} ms   p99 ${String(r.latency.p99).padStart(3)} ms   errors ${r.errors + r.timeouts}`;

async function measure(s: Server, name: string): Promise<Record<string, Result>> {
  const out: Record<string, Result> = {};
  for (const [kind, url] of [
    ['pixel', s.pixel],
    ['click', s.click],
  ] as const) {
    // A warm-up (JIT, caches, the user-agent worker loading its rules), then the two measurements.
    await autocannon({ url, connections: 10, duration: 3, headers: { 'user-agent': UA } });
    out[`${kind} max`] = await autocannon({ url, connections: 10, duration: SECONDS, headers: { 'user-agent': UA } });
    out[`${kind} @${RATE}`] = await autocannon({
      url,
      connections: 20,
      duration: SECONDS,
      overallRate: RATE,
      headers: { 'user-agent': UA },
    });
    for (const [k, r] of Object.entries(out)) if (k.startsWith(kind)) console.log(row(`${name} ${k}`, r));
  }
  return out;
}

const bare = await start('bare');
const bareResults = await measure(bare, 'bare node:http');
bare.child.disconnect();
const app = await start('pagetrail');
const appResults = await measure(app, 'pagetrail');
app.child.send({ type: 'count' });
const counted = await waitFor<{ emailOpens: number; clicks: number }>(app.child, 'count', 'the stored-event count');
app.child.disconnect();

const answered = (k: string) => appResults[k]!['2xx'] + appResults[k]!['3xx'];
console.log('');
for (const kind of ['pixel', 'click']) {
  const ratio = appResults[`${kind} max`]!.requests.average / bareResults[`${kind} max`]!.requests.average;
  const p99 = appResults[`${kind} @${RATE}`]!.latency.p99;
  console.log(
    `${kind}: ${ratio.toFixed(2)} of the bare server's rate (goal >= 0.5); p99 at ${RATE} req/s ${p99} ms (goal <= 20 ms)`,
  );
}
const pixelRequests = answered('pixel max') + answered(`pixel @${RATE}`);
const clickRequests = answered('click max') + answered(`click @${RATE}`);
console.log(
  `stored: ${counted.emailOpens} email_open events for ${pixelRequests}+ measured pixel answers (warm-ups included in the store), ${counted.clicks} click events for ${clickRequests}+ measured click answers`,
);
