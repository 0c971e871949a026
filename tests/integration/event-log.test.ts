// One suite for every EventLog adapter: per-sender seq, re-sent client events stored once, batches in order.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { KyselyEventLog, type EventInput, type EventLog } from '../../storage/db/event-log.ts';
import { SqliteEventLog } from '../../storage/db/event-log-sqlite.ts';
import { openDatabase, type Db } from '../../storage/db/index.ts';
import { sqliteHandle } from '../../storage/db/sqlite.ts';

const ADAPTERS: [string, (db: Db) => EventLog][] = [
  ['SqliteEventLog', (db) => new SqliteEventLog(sqliteHandle(db)!)],
  ['KyselyEventLog', (db) => new KyselyEventLog(db)],
];

let n = 0;
const ev = (sender: string, extra: Partial<EventInput> = {}): EventInput =>
  ({ id: `evt_${++n}`, sender_id: sender, type: 'page_view', at: new Date().toISOString(), ...extra }) as EventInput;

for (const [name, make] of ADAPTERS) {
  describe(name, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-eventlog-'));
    let db: Db;
    after(async () => {
      await db?.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('numbers events per sender, in order, across batches', async () => {
      db = await openDatabase({ dataDir: dir });
      for (const id of ['snd_a', 'snd_b']) {
        await db.insertInto('senders').values({ id, email: `${id}@example.org`, password_hash: 'x', created_at: new Date().toISOString() }).execute();
      }
      const log = make(db);
      const first = await log.append([ev('snd_a'), ev('snd_b'), ev('snd_a')]);
      const second = await log.append([ev('snd_a'), ev('snd_b')]);
      const seqs = [...first, ...second].map((r) => (r.duplicate ? -1 : Number(r.row.seq)));
      assert.deepEqual(seqs, [1, 1, 2, 3, 2]);
      const stored = await db.selectFrom('senders').select(['id', 'event_seq']).orderBy('id').execute();
      assert.deepEqual(stored.map((s) => Number(s.event_seq)), [3, 2]);
    });

    it('stores a client event once, whether re-sent in the same batch or a later one', async () => {
      const log = make(db);
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

    it('stores nothing of a batch that fails', async () => {
      const log = make(db);
      const before = await db.selectFrom('events').select('id').execute();
      await assert.rejects(log.append([ev('snd_a'), ev('snd_missing')]));
      const afterRows = await db.selectFrom('events').select('id').execute();
      assert.equal(afterRows.length, before.length);
    });
  });
}
