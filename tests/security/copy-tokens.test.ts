// Mail copy tokens (the open pixel's and click links') are never kept in clear: the 0005 migration seals the
// tokens of existing copies and drops the clear column; lookups use the hash.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { hashSecret } from '../../server/accounts/secrets.ts';
import { openDatabase } from '../../storage/db/index.ts';
import { migrate } from '../../storage/db/migrations.ts';
import { openSqlite } from '../../storage/db/sqlite/open.ts';
import { COPY_TOKENS, Sealer } from '../../storage/sealer.ts';

type Loose = { insertInto(t: string): { values(v: object): { execute(): Promise<unknown> } } };

describe('mail copy tokens at rest', () => {
  it('the migration seals the tokens of existing copies and drops the clear column', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-copy-seal-'));
    try {
      const file = path.join(dir, 'pagetrail.sqlite');
      const old = openSqlite(file).db;
      await migrate(old, '0004_sealed_link_tokens');
      const now = new Date().toISOString();
      const loose = old as never as Loose;
      await loose
        .insertInto('senders')
        .values({ id: 'snd_o', email: 'o@example.org', password_hash: 'x', created_at: now })
        .execute();
      await loose
        .insertInto('messages')
        .values({
          id: 'msg_o',
          sender_id: 'snd_o',
          message_id: '<o@x>',
          from_address: 'o@example.org',
          status: 'sent',
          created_at: now,
        })
        .execute();
      await loose
        .insertInto('message_recipients')
        .values({ id: 'rcp_o', message_id: 'msg_o', address: 'a@example.org', role: 'to', position: 0 })
        .execute();
      const token = 'OldCopyTokenOldCopyTokenOldCopyT';
      await loose
        .insertInto('message_copies')
        .values({
          id: 'cpy_o',
          message_id: 'msg_o',
          recipient_id: 'rcp_o',
          token,
          token_hash: hashSecret(token),
          delivery: 'sent',
          created_at: now,
        })
        .execute();
      await old.destroy();
      const database = await openDatabase({ dataDir: dir });
      const { db } = database;
      try {
        const row = await db.selectFrom('message_copies').selectAll().executeTakeFirstOrThrow();
        assert.ok(!('token' in row), 'the clear column is gone');
        assert.equal(Sealer.forDataDir(dir, COPY_TOKENS).open(row.token_sealed, 'cpy_o'), token);
        assert.equal(row.token_hash, hashSecret(token));
      } finally {
        await database.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
