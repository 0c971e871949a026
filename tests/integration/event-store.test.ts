// The event store's batching: events queued in one turn of the event loop share one write, in order.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  openDatabase,
  type DatabaseAdapter,
  type Db,
  type EventInput,
  type EventLog,
  type VisitRow,
} from '../../storage/db/index.ts';
import type { ActivityEvent } from '../../server/realtime/protocol.ts';
import { DomainEvents } from '../../server/events.ts';
import { EventStore } from '../../server/tracking/event-store.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-eventstore-'));
let database: DatabaseAdapter;
let db: Db;
before(async () => {
  database = await openDatabase({ dataDir: dir });
  db = database.db;
  await db
    .insertInto('senders')
    .values({ id: 'snd_a', email: 'a@example.org', password_hash: 'x', created_at: new Date().toISOString() })
    .execute();
});
after(async () => {
  await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The real log, recording the size of every batch it is handed. */
function counting(log: EventLog, sizes: number[]): EventLog {
  return {
    append: (inputs: EventInput[], visits?: VisitRow[]) => (sizes.push(inputs.length), log.append(inputs, visits)),
  };
}

test('events queued in one turn are written together, up to the batch size, and published in seq order', async () => {
  const sizes: number[] = [];
  const published: ActivityEvent[] = [];
  const bus = new DomainEvents();
  bus.on('event:stored', ({ event }) => published.push(event));
  const store = new EventStore(db, counting(database.events, sizes), bus, { maxBatch: 100 });
  const at = new Date().toISOString();
  const all = Array.from({ length: 250 }, (_, i) =>
    store.append({
      sender_id: 'snd_a',
      type: 'page_view',
      at,
      automated: 0,
      self: 0,
      page: 1 + (i % 3),
      duration_ms: i,
    }),
  );
  const stored = await Promise.all(all);
  assert.deepEqual(sizes, [100, 100, 50], 'three writes, not one per event');
  assert.deepEqual(
    stored.map((s) => (s.duplicate ? -1 : s.event.durationMs)),
    Array.from({ length: 250 }, (_, i) => i),
  );
  assert.deepEqual(
    published.map((e) => e.seq),
    Array.from({ length: 250 }, (_, i) => i + 1),
  );

  // Events arriving in later turns start new writes.
  sizes.length = 0;
  await store.append({ sender_id: 'snd_a', type: 'page_view', at, automated: 0, self: 0, page: 1, duration_ms: 0 });
  await store.append({ sender_id: 'snd_a', type: 'page_view', at, automated: 0, self: 0, page: 2, duration_ms: 0 });
  assert.deepEqual(sizes, [1, 1]);
});

test('one bad event in a batch fails alone: the others are stored and published', async () => {
  const published: ActivityEvent[] = [];
  const bus = new DomainEvents();
  bus.on('event:stored', ({ event }) => published.push(event));
  const store = new EventStore(db, database.events, bus);
  const at = new Date().toISOString();
  const ok = (page: number) =>
    store.append({ sender_id: 'snd_a', type: 'page_view', at, automated: 0, self: 0, page, duration_ms: 0 });
  // Same turn, so one batch; the second event names a document that does not exist (a foreign key).
  const results = await Promise.allSettled([
    ok(1),
    store.append({ sender_id: 'snd_a', document_id: 'doc_gone', type: 'download', at, automated: 0, self: 0 }),
    ok(3),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.deepEqual(
    published.map((e) => e.page),
    [1, 3],
  );
  const seqs = published.map((e) => e.seq);
  assert.equal(seqs[1], seqs[0]! + 1, 'the failed event used no seq');
  const stored = await store.after('snd_a', seqs[0]! - 1);
  assert.deepEqual(
    stored.map((e) => e.page),
    [1, 3],
  );
});
