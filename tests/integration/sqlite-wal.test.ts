// The embedded database's write-ahead log is checkpointed by the database thread (commits rarely do it themselves).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { sql } from 'kysely';
import { openSqlite, sqliteHandle } from '../../storage/db/sqlite.ts';
import { waitFor } from '../helpers/processes.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-wal-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the log stops growing while writes go on, and is folded into the database on close', async () => {
  const file = path.join(dir, 'wal.sqlite');
  const db = openSqlite(file);
  await sql`create table chunks (n integer, b blob)`.execute(db);
  const h = sqliteHandle(db)!;
  const insert = h.prepare('insert into chunks values (?, ?)');
  const chunk = Buffer.alloc(64 * 1024, 7);
  // 24 MiB over about 3 s: without checkpoints the log would hold all of it.
  for (let i = 0; i < 48; i++) {
    h.transaction(() => { for (let j = 0; j < 8; j++) insert.run(i * 8 + j, chunk); })();
    await new Promise((r) => setTimeout(r, 60));
  }
  const walBytes = fs.statSync(`${file}-wal`).size;
  assert.ok(walBytes < 12 * 1024 * 1024, `log is ${walBytes} bytes after 24 MiB of writes`);
  await db.destroy();
  assert.ok(await waitFor(() => !fs.existsSync(`${file}-wal`), 5000), 'the log is gone once the last connection closed');
  const reopened = openSqlite(file);
  try {
    const { rows } = await sql<{ n: number }>`select count(*) as n from chunks`.execute(reopened);
    assert.equal(rows[0]!.n, 384);
  } finally {
    await reopened.destroy();
  }
});
