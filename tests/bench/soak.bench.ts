// Soak benchmark (on demand): many viewer sockets sending page events to the real app for a long time, on loopback,
// with the server's memory (rss, V8 heap), event-loop delay, CPU and stored events/s sampled every 10 s. It prints
// the series, then whether memory stayed flat and whether anything failed; it ends by itself.
// The server and the client load are forked apart (as in event-pipeline.bench.ts), so each one's figures are its own.
// Knobs (environment, or key=value arguments): SOAK_VIEWERS / viewers= (1000), SOAK_SECONDS / seconds= (600),
// SOAK_RATE / rate= (events/s in all; default one per viewer per second), SOAK_SAMPLE_S / sample= (10).
import os from 'node:os';
import type { ClientCmd, ClientMsg, ServerCmd, ServerMsg } from './lib/event-ipc.ts';
import { child, REPLY_TIMEOUT_MS } from './lib/fork.ts';
import { envNumber, int, ms } from './lib/stats.ts';

const args = Object.fromEntries(
  process.argv.slice(2).flatMap((a) => {
    const m = /^(\w+)=(\d+)$/.exec(a);
    return m ? [[m[1]!, Number(m[2])]] : [];
  }),
) as Record<string, number | undefined>;
const VIEWERS = args.viewers ?? envNumber('SOAK_VIEWERS', 1000);
const SECONDS = args.seconds ?? envNumber('SOAK_SECONDS', 600);
const RATE = args.rate ?? envNumber('SOAK_RATE', VIEWERS);
const SAMPLE_S = args.sample ?? envNumber('SOAK_SAMPLE_S', 10);
/** Memory counts as flat when the last third's median is within this much of the second third's. */
const FLAT_GROWTH = 0.15;

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? NaN;

interface Sample {
  at: number;
  rss: number;
  heapUsed: number;
  loopP99Ms: number;
  loopMaxMs: number;
  cores: number;
  storedPerSec: number;
}

async function main(): Promise<void> {
  console.log(
    `soak: ${VIEWERS} viewer sockets, ${int(RATE)} events/s offered, ${SECONDS} s, a sample every ${SAMPLE_S} s; ` +
      `${os.availableParallelism()} CPUs, node ${process.version}`,
  );
  const server = child<ServerCmd, ServerMsg>('event-server.ts', ['pagetrail']);
  const client = child<ClientCmd, ClientMsg>('event-load.ts');
  try {
    const ready = await server.next('ready');
    client.send({
      type: 'connect',
      url: ready.url,
      viewerToken: ready.viewerToken,
      feedToken: ready.feedToken,
      viewers: VIEWERS,
      concurrency: 50,
    });
    const connected = await client.next('connected');
    const failed = Object.entries(connected.failed).map(([k, v]) => `${k} x${v}`);
    console.log(
      `${connected.viewers} viewer sockets connected in ${ms(connected.ms)}${failed.length ? ` (failed: ${failed.join(', ')})` : ''}`,
    );
    if (connected.viewers === 0) throw new Error('no viewer connected');

    const result = client.next('result', SECONDS * 1000 + REPLY_TIMEOUT_MS);
    result.catch(() => undefined);
    client.send({ type: 'run', phase: { mode: 'rate', rate: RATE, warmupMs: 0, durationMs: SECONDS * 1000 } });
    server.send({ type: 'mark' });
    const started = Date.now();
    let stored = 0;
    const samples: Sample[] = [];
    console.log(
      `  ${'t'.padStart(5)} ${'rss'.padStart(10)} ${'heap'.padStart(10)} ${'loop p99'.padStart(10)} ${'loop max'.padStart(10)} ${'cpu'.padStart(6)} ${'stored/s'.padStart(9)}`,
    );
    for (let n = 1; n * SAMPLE_S <= SECONDS; n++) {
      await new Promise((r) => setTimeout(r, started + n * SAMPLE_S * 1000 - Date.now()));
      server.send({ type: 'stats' });
      const s = await server.next('stats');
      server.send({ type: 'mark' });
      const total = s.storedPageViews ?? 0;
      const sample: Sample = {
        at: (Date.now() - started) / 1000,
        rss: s.rss,
        heapUsed: s.heapUsed,
        loopP99Ms: s.loopP99Ms,
        loopMaxMs: s.loopMaxMs,
        cores: s.cores,
        storedPerSec: (total - stored) / SAMPLE_S,
      };
      stored = total;
      samples.push(sample);
      console.log(
        `  ${`${sample.at.toFixed(0)}s`.padStart(5)} ${mb(sample.rss).padStart(10)} ${mb(sample.heapUsed).padStart(10)} ` +
          `${ms(sample.loopP99Ms).padStart(10)} ${ms(sample.loopMaxMs).padStart(10)} ${`${(sample.cores * 100).toFixed(0)}%`.padStart(6)} ` +
          `${int(sample.storedPerSec).padStart(9)}`,
      );
    }
    const { result: r } = await result;
    server.send({ type: 'stats' });
    const final = await server.next('stats');

    const errors = Object.entries(r.errors).map(([k, v]) => `${k} x${v}`);
    console.log('\nsummary');
    console.log(
      `  sent ${int(r.sentPerSec)}/s, acked ${int(r.ackPerSec)}/s, on the feed ${int(r.feedPerSec)}/s; ` +
        `emit->feed p50 ${ms(r.latency.p50)} p99 ${ms(r.latency.p99)} max ${ms(r.latency.max)}`,
    );
    console.log(
      `  errors: ${errors.join(', ') || 'none'}; unacked ${r.unacked}, acked but not on the feed ${r.unseen}; ` +
        `page_view rows ${int(final.storedPageViews ?? 0)} of ${int(r.ackedTotal)} acknowledged`,
    );
    // The first third is warm-up (JIT, caches, socket buffers); flat means the last third holds the middle's level.
    const third = Math.floor(samples.length / 3);
    if (third >= 1) {
      for (const key of ['rss', 'heapUsed'] as const) {
        const mid = median(samples.slice(third, 2 * third).map((s) => s[key]));
        const end = median(samples.slice(2 * third).map((s) => s[key]));
        const growth = end / mid - 1;
        console.log(
          `  ${key === 'rss' ? 'rss ' : 'heap'}: middle third median ${mb(mid)}, last third ${mb(end)} ` +
            `(${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}%: ${Math.abs(growth) <= FLAT_GROWTH ? 'flat' : 'NOT FLAT'})`,
        );
      }
    } else console.log(`  memory trend: too few samples (${samples.length}) to compare thirds`);
    const lost = r.ackedTotal - (final.storedPageViews ?? 0);
    if (errors.length || r.unacked || r.unseen || lost > 0)
      console.log(
        `  NOT CLEAN: ${[...errors, `${r.unacked} unacked`, `${r.unseen} unseen`, `${lost} lost`].join(', ')}`,
      );
    else console.log('  clean: no errors, every event acknowledged, stored and delivered');
  } finally {
    for (const p of [client, server]) {
      try {
        p.send({ type: 'close' });
      } catch {
        // already gone
      }
    }
    const timeout = setTimeout(() => {
      for (const p of [client, server]) p.kill();
    }, 30_000);
    await Promise.all([client, server].map((p) => p.exited()));
    clearTimeout(timeout);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
