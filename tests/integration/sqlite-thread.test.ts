// The embedded database's thread: it checkpoints the write-ahead log (commits rarely do it themselves), and one
// that dies is replaced without losing or half-writing a batch.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { sql } from 'kysely';
import type { EventInput } from '../../storage/db/event-log.ts';
import { openDatabase } from '../../storage/db/index.ts';
import { openSqlite, type SqliteAdapter } from '../../storage/db/sqlite/open.ts';
import { eventually } from '../helpers/wait.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-wal-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the log stops growing while writes go on, and is folded into the database on close', async () => {
  const file = path.join(dir, 'wal.sqlite');
  const { db, sqlite: h } = openSqlite(file);
  await sql`create table chunks (n integer, b blob)`.execute(db);
  const insert = h.prepare('insert into chunks values (?, ?)');
  const chunk = Buffer.alloc(64 * 1024, 7);
  // 24 MiB over about 3 s: without checkpoints the log would hold all of it.
  for (let i = 0; i < 48; i++) {
    h.transaction(() => {
      for (let j = 0; j < 8; j++) insert.run(i * 8 + j, chunk);
    })();
    await new Promise((r) => setTimeout(r, 60));
  }
  const walBytes = fs.statSync(`${file}-wal`).size;
  assert.ok(walBytes < 12 * 1024 * 1024, `log is ${walBytes} bytes after 24 MiB of writes`);
  await db.destroy();
  await eventually(() => !fs.existsSync(`${file}-wal`), 30_000, 'the log is gone once the last connection closed');
  const reopened = openSqlite(file).db;
  try {
    const { rows } = await sql<{ n: number }>`select count(*) as n from chunks`.execute(reopened);
    assert.equal(rows[0]!.n, 384);
  } finally {
    await reopened.destroy();
  }
});

test('a thread that dies mid-batch is replaced: the batch fails whole, the next append continues the sequence', async () => {
  const database = (await openDatabase({ dataDir: path.join(dir, 'crash') })) as SqliteAdapter;
  const { db } = database;
  try {
    await db
      .insertInto('senders')
      .values({ id: 'snd_c', email: 'c@example.org', password_hash: 'x', created_at: new Date().toISOString() })
      .execute();
    const thread = database.thread!;
    const ev = (i: number) =>
      ({
        id: `evt_c${i}`,
        sender_id: 'snd_c',
        type: 'page_view',
        at: new Date().toISOString(),
        page: 1,
        duration_ms: 0,
      }) as EventInput;
    assert.deepEqual(await thread.append([ev(0)]), [1]);
    // A batch big enough to be mid-write when the thread is ended.
    const big = thread.append(Array.from({ length: 50_000 }, (_, i) => ev(i + 1)));
    const failed = assert.rejects(big, /database thread stopped/);
    await new Promise((r) => setTimeout(r, 30));
    await thread.kill();
    await failed;
    const count = async () =>
      Number(
        (
          await db
            .selectFrom('events')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    assert.equal(await count(), 1, 'nothing of the ended batch was stored');
    assert.deepEqual(await thread.append([ev(99_999)]), [2], 'a new thread takes the next seq');
    assert.equal(await count(), 2);
  } finally {
    await db.destroy();
  }
});
