// Forked by event-pipeline.bench.ts: the client load in its own process (so it does not take CPU from the server's
// event loop): N viewer sockets emitting page:view and one sender feed socket. Latency is viewer emit -> feed receipt,
// matched through the seq in the ack (the feed event does not carry the client's id), on one clock.
import { performance } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';
import type { ActivityEvent, Reply } from '../../../server/realtime/protocol.ts';
import { feed, once, viewer } from '../../helpers/sockets.ts';
import type { ClientCmd, ClientMsg, Phase, PhaseResult } from './event-ipc.ts';
import { coresUsed, cpuMark, loopDelay, summarize } from './stats.ts';

/** Events on one page before a viewer turns to the next (so some events are arrivals, most are dwell heartbeats). */
const EVENTS_PER_PAGE = 4;
const PAGES = 10;
/** How long a phase waits after its last emit for outstanding acks and feed events. */
const DRAIN_MS = 10_000;
/** The open loop stops offering (and counts it) beyond this many unacknowledged events. */
const MAX_OUTSTANDING = 100_000;

const send = (m: ClientMsg) => process.send!(m);
const now = () => performance.now();

interface Viewer {
  s: Socket;
  n: number;
}
let viewers: Viewer[] = [];
let feedSocket: Socket | null = null;
let run = 0;
let idCounter = 0;
let ackedTotal = 0;

/** State of the phase in progress; the feed listener writes into it. */
let phase: {
  measureFrom: number;
  measureTo: number;
  /** seq (known from the ack) -> emit time, for events whose feed copy has not arrived yet. */
  awaitingFeed: Map<number, number>;
  /** seq -> feed receipt time, for feed events that came before their ack. */
  seenEarly: Map<number, number>;
  latencies: number[];
  feedInWindow: number;
  presenceUpdates: number;
} | null = null;

async function connect(cmd: Extract<ClientCmd, { type: 'connect' }>): Promise<void> {
  const started = now();
  const failed: Record<string, number> = {};
  feedSocket = feed(cmd.url, { token: cmd.feedToken }) as unknown as Socket;
  feedSocket.on('feed:activity', onFeed);
  feedSocket.on('presence:update', () => phase && phase.presenceUpdates++);
  await once(feedSocket, 'connect', 10_000);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < cmd.viewers) {
      // Spread over the instances when there are several (the feed stays on the first).
      const urls = cmd.viewerUrls ?? [cmd.url];
      const s = viewer(urls[next % urls.length]!, { token: cmd.viewerToken }) as unknown as Socket;
      next++;
      try {
        await Promise.race([
          once(s, 'visit:started', 15_000),
          once<{ data?: { code?: string }; message: string }>(s, 'connect_error', 15_000).then((e) =>
            Promise.reject(new Error(e.data?.code ?? e.message)),
          ),
        ]);
        viewers.push({ s, n: 0 });
      } catch (err) {
        const code = err instanceof Error ? err.message : String(err);
        failed[code] = (failed[code] ?? 0) + 1;
        s.close();
      }
    }
  }
  await Promise.all(Array.from({ length: cmd.concurrency }, worker));
  send({ type: 'connected', ms: now() - started, viewers: viewers.length, failed });
}

function onFeed(e: ActivityEvent): void {
  if (!phase || e.type !== 'page_view') return;
  const t = now();
  if (t >= phase.measureFrom && t < phase.measureTo) phase.feedInWindow++;
  const sentAt = phase.awaitingFeed.get(e.seq);
  if (sentAt === undefined) phase.seenEarly.set(e.seq, t);
  else {
    phase.awaitingFeed.delete(e.seq);
    if (sentAt >= phase.measureFrom && sentAt < phase.measureTo) phase.latencies.push(t - sentAt);
  }
}

async function runPhase(p: Phase): Promise<PhaseResult> {
  run++;
  const start = now();
  const endAt = start + p.warmupMs + p.durationMs;
  const state = {
    measureFrom: start + p.warmupMs,
    measureTo: endAt,
    awaitingFeed: new Map<number, number>(),
    seenEarly: new Map<number, number>(),
    latencies: [] as number[],
    feedInWindow: 0,
    presenceUpdates: 0,
  };
  phase = state;
  const acks: number[] = [];
  const errors: Record<string, number> = {};
  let emitted = 0;
  let sentInWindow = 0;
  let ackInWindow = 0;
  let outstanding = 0;
  const inWindow = (t: number) => t >= state.measureFrom && t < state.measureTo;

  const loop = loopDelay();
  let cpu = cpuMark();
  const markTimer = setTimeout(() => {
    cpu = cpuMark();
    loop.read();
  }, p.warmupMs);
  let clientCores = 0;
  let clientLoopP99Ms = 0;
  let statsTaken = false;
  const statTimer = setTimeout(() => {
    clientCores = coresUsed(cpu);
    clientLoopP99Ms = loop.read().p99Ms;
    statsTaken = true;
  }, p.warmupMs + p.durationMs);

  function emit(v: Viewer, onDone?: () => void): void {
    // Four events per page: an arrival (0 ms), then heartbeats; durations stay 0 so the wall-time bound never bites.
    const page = 1 + (Math.floor(v.n / EVENTS_PER_PAGE) % PAGES);
    v.n++;
    const id = `b${run}-${(++idCounter).toString(36).padStart(8, '0')}`;
    const sentAt = now();
    emitted++;
    outstanding++;
    if (inWindow(sentAt)) sentInWindow++;
    v.s.emit('page:view', { id, page, durationMs: 0 }, (reply: Reply<{ seq: number; duplicate: boolean }>) => {
      const t = now();
      outstanding--;
      if (inWindow(sentAt)) acks.push(t - sentAt);
      if (inWindow(t)) ackInWindow++;
      if ('error' in reply) errors[reply.error.code] = (errors[reply.error.code] ?? 0) + 1;
      else {
        ackedTotal++;
        const seenAt = state.seenEarly.get(reply.data.seq);
        if (seenAt === undefined) state.awaitingFeed.set(reply.data.seq, sentAt);
        else {
          state.seenEarly.delete(reply.data.seq);
          if (inWindow(sentAt)) state.latencies.push(seenAt - sentAt);
        }
      }
      onDone?.();
    });
  }

  if (p.mode === 'rate') {
    let offered = 0;
    let skipped = 0;
    let rr = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const t = now();
        const due = Math.floor((p.rate * (Math.min(t, endAt) - start)) / 1000) - offered;
        for (let i = 0; i < due; i++) {
          offered++;
          if (outstanding >= MAX_OUTSTANDING) skipped++;
          else emit(viewers[rr++ % viewers.length]!);
        }
        if (t >= endAt) {
          clearInterval(timer);
          if (skipped) errors.client_skipped_backlog = skipped;
          resolve();
        }
      }, 2);
    });
  } else {
    const again = (v: Viewer) => () => {
      if (now() < endAt) emit(v, again(v));
    };
    for (const v of viewers) for (let i = 0; i < p.inflight; i++) emit(v, again(v));
    await new Promise((r) => setTimeout(r, endAt - now()));
  }

  // Wait for the stats timer, the outstanding acks and the feed copies of acked events (feed events trail acks a little).
  const drainUntil = now() + DRAIN_MS;
  while ((outstanding > 0 || state.awaitingFeed.size > 0 || !statsTaken) && now() < drainUntil)
    await new Promise((r) => setTimeout(r, 20));
  clearTimeout(markTimer);
  clearTimeout(statTimer);
  phase = null;

  const secs = p.durationMs / 1000;
  return {
    sentPerSec: sentInWindow / secs,
    feedPerSec: state.feedInWindow / secs,
    ackPerSec: ackInWindow / secs,
    latency: summarize(state.latencies),
    ack: summarize(acks),
    errors,
    ackedTotal,
    unacked: outstanding,
    unseen: state.awaitingFeed.size,
    presenceUpdates: state.presenceUpdates,
    clientCores,
    clientLoopP99Ms,
  };
}

process.on('message', (cmd: ClientCmd) => {
  const fail = (err: unknown) =>
    send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  if (cmd.type === 'connect') connect(cmd).catch(fail);
  else if (cmd.type === 'run') runPhase(cmd.phase).then((result) => send({ type: 'result', result }), fail);
  else {
    for (const v of viewers) v.s.close();
    feedSocket?.close();
    viewers = [];
    process.exit(0);
  }
});
