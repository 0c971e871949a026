// Several processes appending to the same senders at once on one PostgreSQL database, as several instances do:
// every sender's seqs run 1..n with no gap or repeat, every acknowledged event is stored with the seq it was
// acknowledged with, and a client event sent by every process is stored once.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Ack, WriterPlan } from '../helpers/event-writer.ts';
import { openTestDatabase, type OpenedDatabase } from '../helpers/databases.ts';

const WRITER = fileURLToPath(new URL('../helpers/event-writer.ts', import.meta.url));
const WRITERS = 3;
const SENDERS = ['snd_x', 'snd_y'];
const [BATCHES, BATCH_SIZE, SHARED] = [40, 25, 3];

let opened: OpenedDatabase;
before(async () => {
  opened = await openTestDatabase(true);
  for (const id of SENDERS)
    await opened.database.db
      .insertInto('senders')
      .values({ id, email: `${id}@example.org`, password_hash: 'x', created_at: new Date().toISOString() })
      .execute();
});
after(() => opened?.close());

/** Starts the writers, lets them go together, and collects what each was acknowledged. */
async function runWriters(): Promise<Ack[][]> {
  const children = Array.from({ length: WRITERS }, (_, writer) => {
    const plan: WriterPlan = {
      url: opened.url!,
      dataDir: opened.dataDir,
      writer,
      batches: BATCHES,
      batchSize: BATCH_SIZE,
      senders: SENDERS,
      shared: SHARED,
    };
    return fork(WRITER, [JSON.stringify(plan)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  });
  const message = (c: (typeof children)[number], type: string) =>
    new Promise<{ type: string; acks?: Ack[] }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`writer ${c.pid} sent no ${type} in 60 s`)), 60_000);
      c.on('message', (m: { type: string }) => m.type === type && (clearTimeout(timer), resolve(m)));
      c.on('exit', (code) => code !== 0 && reject(new Error(`writer ${c.pid} exited with ${code} before ${type}`)));
    });
  await Promise.all(children.map((c) => message(c, 'ready')));
  const done = children.map((c) => message(c, 'done'));
  for (const c of children) c.send('go');
  return (await Promise.all(done)).map((m) => m.acks!);
}

test('three processes appending to the same senders: gap-free unique seqs, nothing lost, re-sends stored once', async () => {
  const acks = (await runWriters()).flat();
  const { db } = opened.database;
  const rows = await db.selectFrom('events').select(['sender_id', 'seq', 'client_id']).execute();
  const own = WRITERS * BATCHES * BATCH_SIZE;
  const shared = BATCHES * SHARED;
  assert.equal(rows.length, own + shared, 'every distinct event stored once');

  for (const sender of SENDERS) {
    const seqs = rows
      .filter((r) => r.sender_id === sender)
      .map((r) => r.seq)
      .sort((a, b) => a - b);
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => i + 1),
      `${sender}: seqs run 1..${seqs.length} with no gap or repeat`,
    );
    const last = await db.selectFrom('senders').select('event_seq').where('id', '=', sender).executeTakeFirstOrThrow();
    assert.equal(last.event_seq, seqs.length, `${sender}: event_seq is its last seq`);
  }

  const stored = new Map(rows.map((r) => [`${r.sender_id} ${r.client_id}`, r.seq]));
  const wrong = acks.filter((a) => stored.get(`${a.sender} ${a.client}`) !== a.seq);
  assert.deepEqual(wrong.slice(0, 5), [], 'every acknowledgement names the stored seq of its event');
  assert.equal(acks.filter((a) => !a.duplicate).length, own + shared, 'each event acknowledged as new exactly once');
  const sharedAcks = acks.filter((a) => a.client.startsWith('shared-'));
  assert.equal(sharedAcks.length, WRITERS * shared);
  assert.equal(sharedAcks.filter((a) => a.duplicate).length, (WRITERS - 1) * shared, 'the other sends were re-sends');
});
