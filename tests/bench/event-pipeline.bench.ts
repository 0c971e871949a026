// Benchmark: page:view events from many viewer sockets through the real app (validation, rate limit, SQLite,
// feed delivery) to a sender's feed socket, against a bare socket.io relay under the same client load.
// Three processes: this one only orchestrates and prints; the server under test and the client load are forked
// apart, so on a small machine the client's CPU does not come out of the server's event loop.
// Machine noise moves one measurement by 10% or more, so the two targets are measured in alternating rounds (each
// round in fresh processes, the order flipped every round) and the summary reports the median round.
// Every round also runs the app with SQLITE_SYNCHRONOUS=full (each commit synced to disk, so an acknowledged event
// survives a power loss), and the summary sets NORMAL and FULL side by side against the same relay rounds.
// BENCH_POSTGRES=1 adds the app on PostgreSQL (a fresh database on DATABASE_URL's server, else the local one) to
// every round, and the summary sets its figures beside the embedded default's (SQLite).
// Knobs (environment): BENCH_ROUNDS (3), BENCH_VIEWERS (1000), BENCH_RATE (5000 events/s), BENCH_SECONDS (10), BENCH_INFLIGHT (1);
// BENCH_PROFILE_DIR=dir writes V8 CPU profiles of each server process under dir/<target>/, one per thread (the
// largest is the main thread's; open it in Chrome DevTools).
// BENCH_SCALE_OUT=1 compares one instance with two instances sharing one database and Redis (REDIS_URL, default
// redis://127.0.0.1:6379): the viewers spread over both, the feed on the first; events/s and p99 side by side.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ClientCmd, ClientMsg, Phase, PhaseResult, ServerCmd, ServerMsg, Target } from './lib/event-ipc.ts';
import { child, REPLY_TIMEOUT_MS } from './lib/fork.ts';
import { envNumber, int, ms } from './lib/stats.ts';

const VIEWERS = envNumber('BENCH_VIEWERS', 1000);
const RATE = envNumber('BENCH_RATE', 5000);
const SECONDS = envNumber('BENCH_SECONDS', 10);
const INFLIGHT = envNumber('BENCH_INFLIGHT', 1);
const ROUNDS = Math.max(1, envNumber('BENCH_ROUNDS', 3));
const POSTGRES = /^(1|true|yes)$/.test(process.env.BENCH_POSTGRES ?? '');
const WARMUP_MS = 2000;
const GOAL_RATIO = 0.7;
const GOAL_P99_MS = 50;

interface Measured {
  label: string;
  result: PhaseResult;
  serverCores: number;
  serverLoopP99Ms: number;
  storedPageViews: number | null;
}

const SCALE_OUT = process.env.BENCH_SCALE_OUT === '1';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The server processes of a target: one, or (pagetrail-2) a first instance and a second on its data and Redis. */
async function startServers(target: Target, execArgv: (name: string) => string[] | undefined) {
  if (target !== 'pagetrail-2') {
    const server = child<ServerCmd, ServerMsg>('event-server.ts', [target], execArgv(target));
    return { servers: [server], ready: await server.next('ready'), urls: undefined as string[] | undefined };
  }
  const env = {
    BENCH_DATA_DIR: await fs.mkdtemp(path.join(os.tmpdir(), 'pagetrail-bench-')),
    REDIS_URL,
    REDIS_PREFIX: `pt-bench-${process.pid}-${Date.now()}`,
  };
  const first = child<ServerCmd, ServerMsg>('event-server.ts', ['pagetrail'], execArgv('pagetrail-a'), env);
  const ready = await first.next('ready');
  const second = child<ServerCmd, ServerMsg>(
    'event-server.ts',
    ['pagetrail', 'secondary'],
    execArgv('pagetrail-b'),
    env,
  );
  const other = await second.next('ready');
  return { servers: [first, second], ready, urls: [ready.url, other.url] };
}

async function measure(target: Target): Promise<Measured[]> {
  const prof = process.env.BENCH_PROFILE_DIR;
  const { servers, ready, urls } = await startServers(target, (name) =>
    prof ? [...process.execArgv, '--cpu-prof', `--cpu-prof-dir=${path.join(prof, name)}`] : undefined,
  );
  const server = servers[0]!;
  const client = child<ClientCmd, ClientMsg>('event-load.ts');
  try {
    client.send({
      type: 'connect',
      url: ready.url,
      viewerUrls: urls,
      viewerToken: ready.viewerToken,
      feedToken: ready.feedToken,
      viewers: VIEWERS,
      concurrency: 50,
    });
    const connected = await client.next('connected');
    const failed = Object.entries(connected.failed)
      .map(([k, v]) => `${k} x${v}`)
      .join(', ');
    console.log(
      `${target}: ${connected.viewers} viewer sockets connected in ${ms(connected.ms)}${failed ? ` (failed: ${failed})` : ''}`,
    );
    if (connected.viewers === 0) throw new Error('no viewer connected');

    const phases: [string, Phase][] = [
      [`${int(RATE)}/s offered`, { mode: 'rate', rate: RATE, warmupMs: WARMUP_MS, durationMs: SECONDS * 1000 }],
      [
        `max (closed loop, ${INFLIGHT}/socket)`,
        { mode: 'max', inflight: INFLIGHT, warmupMs: WARMUP_MS, durationMs: SECONDS * 1000 },
      ],
    ];
    const out: Measured[] = [];
    for (const [label, phase] of phases) {
      const result = client.next('result', phase.warmupMs + phase.durationMs + REPLY_TIMEOUT_MS);
      result.catch(() => undefined);
      client.send({ type: 'run', phase });
      // Server CPU and loop delay over the measured window only (after warm-up, before the drain).
      await new Promise((r) => setTimeout(r, phase.warmupMs));
      for (const s of servers) s.send({ type: 'mark' });
      await new Promise((r) => setTimeout(r, phase.durationMs));
      for (const s of servers) s.send({ type: 'stats' });
      const stats = await Promise.all(servers.map((s) => s.next('stats')));
      const { result: r } = await result;
      const afterDrain =
        target !== 'relay' ? (server.send({ type: 'stats' }), (await server.next('stats')).storedPageViews) : null;
      out.push({
        label,
        result: r,
        // Two instances: their cores added up, the worse loop delay.
        serverCores: stats.reduce((n, s) => n + s.cores, 0),
        serverLoopP99Ms: Math.max(...stats.map((s) => s.loopP99Ms)),
        storedPageViews: afterDrain,
      });
      print(target, out.at(-1)!);
    }
    return out;
  } finally {
    for (const p of [client, ...servers]) {
      try {
        p.send({ type: 'close' });
      } catch {
        // already gone
      }
    }
    // A PostgreSQL server drains its backlog and drops its database before it exits: give it longer.
    const grace = prof ? 120_000 : target === 'pagetrail-pg' ? 60_000 : 10_000;
    const timeout = setTimeout(() => {
      for (const p of [client, ...servers]) p.kill();
    }, grace);
    await Promise.all([client, ...servers].map((p) => p.exited()));
    clearTimeout(timeout);
  }
}

function print(target: Target, m: Measured): void {
  const r = m.result;
  const errs =
    Object.entries(r.errors)
      .map(([k, v]) => `${k} x${v}`)
      .join(', ') || 'none';
  console.log(`  ${target} | ${m.label}`);
  console.log(`    sent ${int(r.sentPerSec)}/s  acked ${int(r.ackPerSec)}/s  on feed ${int(r.feedPerSec)}/s`);
  console.log(
    `    emit->feed p50 ${ms(r.latency.p50)}  p90 ${ms(r.latency.p90)}  p99 ${ms(r.latency.p99)}  max ${ms(r.latency.max)}  (n=${int(r.latency.n)})`,
  );
  console.log(`    emit->ack  p50 ${ms(r.ack.p50)}  p99 ${ms(r.ack.p99)}`);
  console.log(
    `    errors: ${errs}; unacked ${r.unacked}, acked but not on feed ${r.unseen}; presence updates ${int(r.presenceUpdates)}`,
  );
  console.log(
    `    cpu: server ${(m.serverCores * 100).toFixed(0)}% of a core (loop delay p99 ${ms(m.serverLoopP99Ms)}), client ${(r.clientCores * 100).toFixed(0)}% (loop delay p99 ${ms(r.clientLoopP99Ms)})`,
  );
  if (m.storedPageViews !== null) {
    const lost = m.result.ackedTotal - m.storedPageViews;
    console.log(
      `    page_view rows stored so far: ${int(m.storedPageViews)} of ${int(m.result.ackedTotal)} acknowledged${lost > 0 ? ` (${int(lost)} ACKNOWLEDGED BUT NOT STORED)` : ''}`,
    );
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

async function main(): Promise<void> {
  console.log(
    `event pipeline: ${VIEWERS} viewer sockets, ${SECONDS} s per phase after ${WARMUP_MS / 1000} s warm-up, ${ROUNDS} round(s); ${os.availableParallelism()} CPUs, node ${process.version}`,
  );
  console.log("server and client load each run in a forked process; the latency clock is the client's");
  const rounds: {
    app: Measured[];
    relay: Measured[];
    full: Measured[] | null;
    pg: Measured[] | null;
    ratio: number;
  }[] = [];
  // BENCH_SCALE_OUT=1: one instance against two; otherwise the app against the bare relay (and PostgreSQL).
  const versus: Target = SCALE_OUT ? 'pagetrail-2' : 'relay';
  const targets: Target[] = SCALE_OUT
    ? ['pagetrail', versus]
    : ['pagetrail', versus, 'pagetrail-full', ...(POSTGRES ? (['pagetrail-pg'] as const) : [])];
  for (let r = 0; r < ROUNDS; r++) {
    console.log(`\nround ${r + 1} of ${ROUNDS}`);
    // Each target goes first in turn, so a machine that warms up or slows down is shared out among them.
    const order = targets.map((_, i) => targets[(i + r) % targets.length]!);
    const got: Partial<Record<Target, Measured[]>> = {};
    for (const target of order) got[target] = await measure(target);
    const app = got.pagetrail!;
    const relay = got[versus]!;
    rounds.push({
      app,
      relay,
      full: got['pagetrail-full'] ?? null,
      pg: got['pagetrail-pg'] ?? null,
      ratio: app[1]!.result.feedPerSec / relay[1]!.result.feedPerSec,
    });
  }

  if (SCALE_OUT) return scaleOutSummary(rounds);
  console.log('\nsummary (per round, then the median round)');
  for (const [i, r] of rounds.entries()) {
    const rate = r.app[0]!.result;
    console.log(
      `  round ${i + 1}: at ${int(RATE)}/s pagetrail p99 ${ms(rate.latency.p99)} (relay ${ms(r.relay[0]!.result.latency.p99)}); ` +
        `max pagetrail ${int(r.app[1]!.result.feedPerSec)}/s, relay ${int(r.relay[1]!.result.feedPerSec)}/s, ratio ${r.ratio.toFixed(2)}`,
    );
  }
  const ratio = median(rounds.map((r) => r.ratio));
  const p99 = median(rounds.map((r) => r.app[0]!.result.latency.p99));
  const worstP99 = Math.max(...rounds.map((r) => r.app[0]!.result.latency.p99));
  console.log(
    `  at ${int(RATE)}/s offered, ${VIEWERS} sockets: pagetrail p99 median ${ms(p99)}, worst ${ms(worstP99)} (goal <= ${GOAL_P99_MS} ms: ${p99 <= GOAL_P99_MS ? 'met' : 'not met'})`,
  );
  console.log(
    `  max throughput ratio to the bare relay: median ${ratio.toFixed(2)}, range ${Math.min(...rounds.map((r) => r.ratio)).toFixed(2)}-${Math.max(...rounds.map((r) => r.ratio)).toFixed(2)} (goal >= ${GOAL_RATIO}: ${ratio >= GOAL_RATIO ? 'met' : 'not met'})`,
  );
  printDurability(rounds.map((r) => ({ normal: r.app, full: r.full!, relay: r.relay })));
  if (POSTGRES) printDatabases(rounds.map((r) => ({ sqlite: r.app, postgres: r.pg! })));
}

/** SQLite with synchronous=NORMAL and FULL beside the bare relay: medians over the rounds, and FULL's goals. */
function printDurability(rounds: { normal: Measured[]; full: Measured[]; relay: Measured[] }[]): void {
  const sides = ['normal', 'full', 'relay'] as const;
  const col = (f: (m: Measured[]) => number, fmt: (n: number) => string) =>
    sides.map((k) => fmt(median(rounds.map((r) => f(r[k]))))).map((s) => s.padStart(12));
  const rows: [string, string[]][] = [
    [`p99 emit->feed at ${int(RATE)}/s`, col((m) => m[0]!.result.latency.p99, ms)],
    [`p99 emit->ack at ${int(RATE)}/s`, col((m) => m[0]!.result.ack.p99, ms)],
    ['max events/s on the feed', col((m) => m[1]!.result.feedPerSec, int)],
    ['p99 emit->feed at max', col((m) => m[1]!.result.latency.p99, ms)],
  ];
  console.log(
    `\ndurability: SQLite synchronous=NORMAL and FULL beside the bare relay (median of ${rounds.length} round(s))`,
  );
  console.log(`  ${''.padEnd(30)}${'NORMAL'.padStart(12)}${'FULL'.padStart(12)}${'relay'.padStart(12)}`);
  for (const [label, cells] of rows) console.log(`  ${label.padEnd(30)}${cells.join('')}`);
  const ratio = median(rounds.map((r) => r.full[1]!.result.feedPerSec / r.relay[1]!.result.feedPerSec));
  const p99 = median(rounds.map((r) => r.full[0]!.result.latency.p99));
  console.log(
    `  FULL: max throughput ratio to the relay ${ratio.toFixed(2)} (goal >= ${GOAL_RATIO}: ${ratio >= GOAL_RATIO ? 'met' : 'not met'}), ` +
      `p99 at ${int(RATE)}/s ${ms(p99)} (goal <= ${GOAL_P99_MS} ms: ${p99 <= GOAL_P99_MS ? 'met' : 'not met'})`,
  );
}

/** One instance on SQLite and on PostgreSQL, side by side: medians over the rounds. */
function printDatabases(rounds: { sqlite: Measured[]; postgres: Measured[] }[]): void {
  const col = (f: (m: Measured[]) => number, fmt: (n: number) => string) =>
    (['sqlite', 'postgres'] as const).map((db) => fmt(median(rounds.map((r) => f(r[db]))))).map((s) => s.padStart(12));
  const rows: [string, string[]][] = [
    [`p99 emit->feed at ${int(RATE)}/s`, col((m) => m[0]!.result.latency.p99, ms)],
    [`p99 emit->ack at ${int(RATE)}/s`, col((m) => m[0]!.result.ack.p99, ms)],
    ['max events/s on the feed', col((m) => m[1]!.result.feedPerSec, int)],
    ['p99 emit->feed at max', col((m) => m[1]!.result.latency.p99, ms)],
    [
      'server cpu at max (cores)',
      col(
        (m) => m[1]!.serverCores,
        (n) => n.toFixed(2),
      ),
    ],
  ];
  console.log(`\none instance, SQLite vs PostgreSQL (median of ${rounds.length} round(s))`);
  console.log(`  ${''.padEnd(30)}${'SQLite'.padStart(12)}${'PostgreSQL'.padStart(12)}`);
  for (const [label, [a, b]] of rows) console.log(`  ${label.padEnd(30)}${a}${b}`);
}

/** One instance against two sharing Redis, side by side (`relay` holds the two-instance figures here). */
function scaleOutSummary(rounds: { app: Measured[]; relay: Measured[]; ratio: number }[]): void {
  console.log(
    '\nsummary: one instance | two instances sharing Redis (viewers spread, feed on the first); median round',
  );
  const pick = (side: 'app' | 'relay', phase: number, f: (m: Measured) => number) =>
    median(rounds.map((r) => f(r[side][phase]!)));
  for (const [phase, label] of [`${int(RATE)}/s offered`, 'max (closed loop)'].entries()) {
    const row = (f: (m: Measured) => number, fmt: (n: number) => string) =>
      `${fmt(pick('app', phase, f))} | ${fmt(pick('relay', phase, f))}`;
    console.log(`  ${label}`);
    console.log(`    events/s on the feed   ${row((m) => m.result.feedPerSec, int)}`);
    console.log(`    emit->feed p99         ${row((m) => m.result.latency.p99, ms)}`);
    console.log(`    emit->ack p99          ${row((m) => m.result.ack.p99, ms)}`);
    console.log(
      `    server cores used      ${row(
        (m) => m.serverCores,
        (n) => n.toFixed(2),
      )}`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
