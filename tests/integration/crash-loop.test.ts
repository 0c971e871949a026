// Crash loop: the real service (server/main.ts) is killed with SIGKILL and restarted 20 times on one DATA_DIR while
// viewer sockets send page events and a sender's feed follows them. Readers behave as the browser's outbox does:
// an event stays pending until acknowledged and is re-sent (same client id, same visit) after a reconnect. After
// the loop every acknowledged event is stored exactly once, the database passes its integrity check, the visits'
// totals match their events, and the feed (reconnected each time with `after`) received exactly the stored
// sequence, in order, with no gap or duplicate.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, it } from 'node:test';
import SQLite from 'better-sqlite3';
import type { Socket } from 'socket.io-client';
import type { ActivityEvent, Reply } from '../../server/realtime/protocol.ts';
import { timeOrderedId } from '../../viewer/reader/event-id.ts';
import { createLink, uploadReady } from '../helpers/app.ts';
import { Deployment, type Instance } from '../helpers/instances.ts';
import { makePdf } from '../helpers/pdf.ts';
import { feed, viewer, type FeedClient, type ViewerClient } from '../helpers/sockets.ts';
import { eventually } from '../helpers/wait.ts';

const RESTARTS = 20;
const READERS = 16;
const PAGES = 4;
/** Each reader sends an event this often while its visit is live, at most EVENTS_PER_READER in all. */
const EVERY_MS = 100;
const EVENTS_PER_READER = 600;
const ACK_TIMEOUT_MS = 10_000;

interface PageEvent {
  id: string;
  page: number;
  durationMs: number;
}

/** One reader's tab: pending events kept until acknowledged and re-sent on every new connection. */
class Reader {
  visitId: string | undefined;
  readonly visits = new Set<string>();
  readonly pending = new Map<string, PageEvent>();
  readonly acked = new Set<string>();
  readonly refused: string[] = [];
  made = 0;
  private socket: ViewerClient | null = null;
  private live = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<string>();
  private readonly token: string;

  constructor(token: string) {
    this.token = token;
  }

  get started(): boolean {
    return this.live;
  }

  connect(url: string, generate: boolean): void {
    const socket = viewer(url, { token: this.token, ...(this.visitId ? { visitId: this.visitId } : {}) });
    this.socket = socket;
    socket.on('visit:started', (info) => {
      // A visit that could not be resumed was never stored (a visit is stored with its first event): what is
      // pending goes on the new one.
      this.visitId = info.visitId;
      this.visits.add(info.visitId);
      this.live = true;
      this.inFlight.clear();
      for (const e of this.pending.values()) this.emit(e);
    });
    socket.on('disconnect', () => {
      this.live = false;
    });
    if (generate)
      this.timer = setInterval(() => {
        if (!this.live || this.made >= EVENTS_PER_READER) return;
        const e = { id: timeOrderedId(), page: 1 + (this.made++ % PAGES), durationMs: 10 };
        this.pending.set(e.id, e);
        this.emit(e);
      }, EVERY_MS);
  }

  private emit(e: PageEvent): void {
    const socket = this.socket;
    if (!socket || this.inFlight.has(e.id)) return;
    this.inFlight.add(e.id);
    (socket as unknown as Socket)
      .timeout(ACK_TIMEOUT_MS)
      .emit('page:view', e, (err: Error | null, reply: Reply<{ seq: number; duplicate: boolean }>) => {
        this.inFlight.delete(e.id);
        if (err) return;
        if ('error' in reply) return void this.refused.push(`${e.id}: ${reply.error.code}`);
        this.pending.delete(e.id);
        this.acked.add(e.id);
      });
  }

  disconnect(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.live = false;
    this.socket?.close();
    this.socket = null;
  }
}

/** A sender's feed that reconnects with the last seq it saw. */
class Follower {
  readonly seqs: number[] = [];
  readonly out: string[] = [];
  private socket: FeedClient | null = null;
  private readonly token: string;

  constructor(token: string) {
    this.token = token;
  }

  get lastSeq(): number {
    return this.seqs.at(-1) ?? 0;
  }

  connect(url: string): void {
    this.socket = feed(url, { token: this.token, after: this.lastSeq });
    this.socket.on('feed:activity', (e: ActivityEvent) => {
      if (e.seq <= this.lastSeq) this.out.push(`seq ${e.seq} after ${this.lastSeq}`);
      this.seqs.push(e.seq);
    });
  }

  disconnect(): void {
    this.socket?.close();
    this.socket = null;
  }
}

let d: Deployment;

before(async () => {
  d = await Deployment.create({
    LOG_LEVEL: 'warn',
    VIEWER_EVENTS_PER_10S: '10000',
    VIEWER_VISITS_PER_MINUTE: '1000000',
  });
});

after(async () => {
  await d?.close();
});

it('survives 20 SIGKILLs under load: acknowledged events stored once, totals and feed match', {
  timeout: 600_000,
}, async () => {
  const sender = await d.sender();
  let inst: Instance = await d.web();
  const docId = await uploadReady(inst, sender.token, makePdf(PAGES), 'Crash.pdf');
  const links = await Promise.all(
    Array.from({ length: READERS }, (_, i) =>
      createLink(inst, sender.token, docId, { recipient: `reader${i}@example.org` }),
    ),
  );
  const readers = links.map((l) => new Reader(l.token));
  const follower = new Follower(sender.token);

  const connectAll = async (generate: boolean) => {
    follower.connect(inst.url);
    for (const r of readers) r.connect(inst.url, generate);
    await eventually(
      () => readers.every((r) => r.started),
      60_000,
      `all ${READERS} viewer sockets started on ${inst.url}`,
    );
  };

  for (let round = 0; round < RESTARTS; round++) {
    await connectAll(true);
    // Killed at a random point of the load: mid-batch, mid-commit, between batches.
    await new Promise((r) => setTimeout(r, 600 + Math.random() * 900));
    await inst.kill();
    for (const r of readers) r.disconnect();
    follower.disconnect();
    inst = await d.web();
  }

  // The last instance stays: every reader re-sends what is pending; nothing new is made.
  await connectAll(false);
  await eventually(
    () => readers.every((r) => r.pending.size === 0),
    60_000,
    'every pending event acknowledged after the last restart',
  );
  const rows = await d.db
    .selectFrom('events')
    .select(['seq', 'client_id', 'visit_id', 'type', 'duration_ms'])
    .where('sender_id', '=', sender.id)
    .orderBy('seq')
    .execute();
  const lastSeq = Number(rows.at(-1)?.seq ?? 0);
  await eventually(() => follower.lastSeq >= lastSeq, 60_000, `the feed to reach seq ${lastSeq}`);
  for (const r of readers) r.disconnect();
  follower.disconnect();
  await inst.stop();

  const made = readers.reduce((n, r) => n + r.made, 0);
  const acked = readers.reduce((n, r) => n + r.acked.size, 0);
  const pageViews = rows.filter((r) => r.type === 'page_view');
  console.log(
    `crash loop: ${RESTARTS} SIGKILLs, ${READERS} readers, ${made} events made, ${acked} acknowledged, ` +
      `${pageViews.length} page_view rows, ${rows.length} events in all, feed received ${follower.seqs.length}`,
  );
  assert.ok(made > READERS * 10, `the load ran (${made} events made)`);
  assert.deepEqual(
    readers.flatMap((r) => r.refused),
    [],
    'no event refused',
  );

  // Every acknowledged event stored exactly once; nothing stored that no reader made.
  const count = new Map<string, number>();
  for (const r of pageViews) count.set(r.client_id!, (count.get(r.client_id!) ?? 0) + 1);
  for (const r of readers)
    for (const id of r.acked) assert.equal(count.get(id), 1, `acknowledged event ${id} stored exactly once`);
  assert.equal(pageViews.length, acked, 'the page_view rows are exactly the acknowledged events');

  // seq runs 1, 2, 3, ... with no gap or repeat; the feed got exactly that, in order.
  assert.deepEqual(
    rows.map((r) => Number(r.seq)),
    rows.map((_, i) => i + 1),
    'stored seqs have no gap',
  );
  assert.deepEqual(follower.out, [], 'the feed never went back');
  assert.deepEqual(
    follower.seqs,
    rows.map((r) => Number(r.seq)),
    'the feed received exactly the stored sequence',
  );

  // Each visit's total is the sum of its stored page time.
  const totals = await d.db.selectFrom('visit_totals').select(['visit_id', 'accounted_ms']).execute();
  const sums = new Map<string, number>();
  for (const r of pageViews) sums.set(r.visit_id!, (sums.get(r.visit_id!) ?? 0) + Number(r.duration_ms ?? 0));
  for (const [visit, ms] of sums)
    assert.equal(Number(totals.find((t) => t.visit_id === visit)?.accounted_ms ?? 0), ms, `visit ${visit} total`);

  const check = new SQLite(path.join(d.dataDir, 'pagetrail.sqlite'), { readonly: true });
  try {
    assert.deepEqual(check.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
  } finally {
    check.close();
  }
});
