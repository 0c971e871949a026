// One suite for every EventLog adapter (SQLite in the event loop and on the database thread, PostgreSQL): per-sender
// seq, re-sent client events stored once, batches in order, all or nothing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { DatabaseAdapter } from '../../storage/db/adapter.ts';
import { eventRow, type EventInput, type EventLog } from '../../storage/db/event-log.ts';
import { migrate } from '../../storage/db/migrations.ts';
import { openDatabase, type Db } from '../../storage/db/index.ts';
import { SqliteEventLog } from '../../storage/db/sqlite/event-log.ts';
import { openSqlite, type SqliteAdapter } from '../../storage/db/sqlite/open.ts';
import { openTestDatabase, type OpenedDatabase } from '../helpers/databases.ts';

/** name -> which database, and the log to test on it. */
const ADAPTERS: [string, boolean, (d: DatabaseAdapter) => EventLog][] = [
  ['SQLite, in the event loop', false, (d) => new SqliteEventLog((d as SqliteAdapter).sqlite)],
  ['SQLite, on the database thread', false, (d) => (assert.ok((d as SqliteAdapter).thread), d.events)],
  ['PostgreSQL', true, (d) => (assert.equal(d.kind, 'postgres'), d.events)],
];

let n = 0;
const ev = (sender: string, extra: Partial<EventInput> = {}): EventInput =>
  ({ id: `evt_${++n}`, sender_id: sender, type: 'page_view', at: new Date().toISOString(), ...extra }) as EventInput;

for (const [name, postgres, logOf] of ADAPTERS) {
  describe(name, () => {
    let opened: OpenedDatabase;
    let db: Db;
    const make = () => logOf(opened.database);
    after(() => opened?.close());

    it('numbers events per sender, in order, across batches', async () => {
      opened = await openTestDatabase(postgres);
      db = opened.database.db;
      for (const id of ['snd_a', 'snd_b']) {
        await db
          .insertInto('senders')
          .values({ id, email: `${id}@example.org`, password_hash: 'x', created_at: new Date().toISOString() })
          .execute();
      }
      const log = make();
      const first = await log.append([ev('snd_a'), ev('snd_b'), ev('snd_a')]);
      const second = await log.append([ev('snd_a'), ev('snd_b')]);
      const seqs = [...first, ...second].map((r) => (r.duplicate ? -1 : Number(r.row.seq)));
      assert.deepEqual(seqs, [1, 1, 2, 3, 2]);
      const stored = await db.selectFrom('senders').select(['id', 'event_seq']).orderBy('id').execute();
      assert.deepEqual(
        stored.map((s) => Number(s.event_seq)),
        [3, 2],
      );
    });

    it('stores a client event once, whether re-sent in the same batch or a later one', async () => {
      const log = make();
      const once = { visit_id: 'vis_1', client_id: 'client-event-1' };
      const [a, b] = await log.append([ev('snd_a', once), ev('snd_a', once)]);
      assert.equal(a!.duplicate, false);
      assert.deepEqual(b, { duplicate: true, seq: a!.duplicate ? -1 : Number(a!.row.seq) });
      const [c] = await log.append([ev('snd_a', once)]);
      assert.equal(c!.duplicate, true);
      const rows = await db.selectFrom('events').select('id').where('client_id', '=', 'client-event-1').execute();
      assert.equal(rows.length, 1);
      // The same client id in another visit is another event.
      const [d] = await log.append([ev('snd_a', { visit_id: 'vis_2', client_id: 'client-event-1' })]);
      assert.equal(d!.duplicate, false);
    });

    it("keeps each visit's accounted time with its events, re-sends and failed batches adding nothing", async () => {
      const log = make();
      const total = async (visit: string) =>
        Number(
          (await db.selectFrom('visit_totals').select('accounted_ms').where('visit_id', '=', visit).executeTakeFirst())
            ?.accounted_ms ?? 0,
        );
      const pv = (visit: string, client: string, ms: number) =>
        ev('snd_a', { visit_id: visit, client_id: client, page: 1, duration_ms: ms });
      await log.append([
        pv('vis_t1', 'c-1', 1000),
        pv('vis_t2', 'c-1', 300),
        pv('vis_t1', 'c-2', 2500),
        pv('vis_t1', 'c-2', 2500),
      ]);
      await log.append([
        pv('vis_t1', 'c-3', 500),
        pv('vis_t1', 'c-1', 1000),
        ev('snd_a', { visit_id: 'vis_t1', type: 'open' }),
      ]);
      assert.equal(await total('vis_t1'), 4000);
      assert.equal(await total('vis_t2'), 300);
      await assert.rejects(log.append([pv('vis_t1', 'c-4', 700), ev('snd_missing')]));
      assert.equal(await total('vis_t1'), 4000);
      const sum = await db
        .selectFrom('events')
        .select((eb) => eb.fn.sum<number>('duration_ms').as('ms'))
        .where('visit_id', '=', 'vis_t1')
        .executeTakeFirst();
      assert.equal(Number(sum?.ms), 4000, 'the total is the sum of the stored events');
    });

    it('stores the visits a batch opens in the same transaction: both or neither', async () => {
      const log = make();
      const now = new Date().toISOString();
      const [doc, link] = [`doc_${name}`, `lnk_${name}`];
      await db
        .insertInto('documents')
        .values({
          id: doc,
          sender_id: 'snd_a',
          name: 'A.pdf',
          format: 'pdf',
          status: 'ready',
          size_bytes: 1,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await db
        .insertInto('links')
        .values({
          id: link,
          document_id: doc,
          sender_id: 'snd_a',
          token_sealed: `s_${name}`,
          token_hash: `h_${name}`,
          recipient: null,
          allow_download: 1,
          expires_at: null,
          revoked_at: null,
          created_at: now,
        })
        .execute();
      const visit = (id: string) => ({
        id,
        link_id: link,
        document_id: doc,
        sender_id: 'snd_a',
        started_at: now,
        last_seen_at: now,
        viewer_key: 'k',
        device: null,
        location: null,
        automated: 0,
        self: 0,
      });
      const stored = async (id: string) =>
        (await db.selectFrom('visits').select('id').where('id', '=', id).execute()).length;

      const [opened] = await log.append(
        [ev('snd_a', { visit_id: 'vis_open1', document_id: doc, type: 'open' })],
        [visit('vis_open1')],
      );
      assert.equal(opened!.duplicate, false);
      assert.equal(await stored('vis_open1'), 1);
      await assert.rejects(
        log.append(
          [ev('snd_a', { visit_id: 'vis_open2', document_id: doc, type: 'open' }), ev('snd_missing')],
          [visit('vis_open2')],
        ),
      );
      assert.equal(await stored('vis_open2'), 0, 'a failed batch leaves no visit behind');
      assert.equal(
        (await db.selectFrom('events').select('id').where('visit_id', '=', 'vis_open2').execute()).length,
        0,
      );
    });

    it('stores nothing of a batch that fails', async () => {
      const log = make();
      const before = await db.selectFrom('events').select('id').execute();
      await assert.rejects(log.append([ev('snd_a'), ev('snd_missing')]));
      const afterRows = await db.selectFrom('events').select('id').execute();
      assert.equal(afterRows.length, before.length);
    });
  });
}

describe('migration 0002_event_write_paths', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-migrate-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("carries each existing visit's accounted time into visit_totals and keeps re-sends recognised", async () => {
    const file = path.join(dir, 'pagetrail.sqlite');
    const old = openSqlite(file).db;
    await migrate(old, '0001_core');
    await old
      .insertInto('senders')
      .values({ id: 'snd_m', email: 'm@example.org', password_hash: 'x', created_at: new Date().toISOString() })
      .execute();
    await old
      .insertInto('events')
      .values(
        [
          ev('snd_m', { visit_id: 'vis_m1', client_id: 'k-1', page: 1, duration_ms: 1200 }),
          ev('snd_m', { visit_id: 'vis_m1', client_id: 'k-2', page: 2, duration_ms: 800 }),
          ev('snd_m', { visit_id: 'vis_m2', client_id: 'k-1', page: 1, duration_ms: 50 }),
          ev('snd_m', { visit_id: 'vis_m2', type: 'open' }),
        ].map((e, i) => eventRow(e, i + 1)),
      )
      .execute();
    await old.destroy();

    const database = (await openDatabase({ dataDir: dir })) as SqliteAdapter;
    const { db } = database;
    try {
      const totals = await db.selectFrom('visit_totals').selectAll().orderBy('visit_id').execute();
      assert.deepEqual(
        totals.map((r) => [r.visit_id, Number(r.accounted_ms)]),
        [
          ['vis_m1', 2000],
          ['vis_m2', 50],
        ],
      );
      const [again] = await new SqliteEventLog(database.sqlite).append([
        ev('snd_m', { visit_id: 'vis_m1', client_id: 'k-2', page: 2, duration_ms: 800 }),
      ]);
      assert.equal(again!.duplicate, true);
    } finally {
      await database.close();
    }
  });
});
