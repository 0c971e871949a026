// Hole 9 (storage): link tokens kept only as a hash and a sealed copy (old ones sealed by the migration), listed
// URLs still usable; DATA_DIR owner-only; deleted rows overwritten in the database file.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { hashSecret } from '../../server/accounts/secrets.ts';
import { openStorage } from '../../server/boot.ts';
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../../storage/db/index.ts';
import { migrate } from '../../storage/db/migrations.ts';
import { openSqlite, type SqliteAdapter } from '../../storage/db/sqlite/open.ts';
import { LINK_TOKENS, Sealer } from '../../storage/sealer.ts';
import { createLink, startApp, uploadReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { makePdf } from '../helpers/pdf.ts';

let t: TestApp;
let alice: TestSender;
let docId: string;

before(async () => {
  t = await startApp();
  alice = await t.sender();
  docId = await uploadReady(t, alice.token, makePdf(1), 'Salary bands.pdf');
});
after(async () => t.close());

/** Every byte SQLite keeps on disk for the database: the file, its log and shared memory. */
function databaseBytes(dir: string): Buffer {
  const file = path.join(dir, 'pagetrail.sqlite');
  return Buffer.concat(
    [file, `${file}-wal`, `${file}-shm`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)),
  );
}

describe('link tokens at rest', () => {
  it("are not in the database in clear, yet the sender's list gives a URL that opens the reader", async () => {
    const link = await createLink(t, alice.token, docId, { recipient: 'cfo@example.org' });
    assert.ok(!databaseBytes(t.dataDir).includes(Buffer.from(link.token)), 'token not on disk');
    const cols = await t.db.introspection
      .getTables()
      .then((ts) => ts.find((x) => x.name === 'links')!.columns.map((c) => c.name));
    assert.ok(!cols.includes('token'));
    const listed = await request(t.url)
      .get(`/api/documents/${docId}/links`)
      .set('authorization', `Bearer ${alice.token}`)
      .expect(200);
    const url = listed.body.links.find((l: { id: string }) => l.id === link.id).url as string;
    assert.equal(url, link.url);
    await request(url).get('').expect(200);
  });

  it('a sealed token moved to another link does not open', () => {
    const sealer = Sealer.forDataDir(t.dataDir, LINK_TOKENS);
    const sealed = sealer.seal('tok', 'lnk_a');
    assert.equal(sealer.open(sealed, 'lnk_a'), 'tok');
    assert.throws(() => sealer.open(sealed, 'lnk_b'));
    const file = path.join(t.dataDir, 'secret');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  it('the migration seals the tokens of existing links and drops the clear column', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-seal-'));
    try {
      const file = path.join(dir, 'pagetrail.sqlite');
      const old = openSqlite(file).db;
      await migrate(old, '0002_event_write_paths');
      const now = new Date().toISOString();
      await old
        .insertInto('senders')
        .values({ id: 'snd_o', email: 'o@example.org', password_hash: 'x', created_at: now })
        .execute();
      await old
        .insertInto('documents')
        .values({
          id: 'doc_o',
          sender_id: 'snd_o',
          name: 'a.pdf',
          format: 'pdf',
          status: 'ready',
          size_bytes: 1,
          created_at: now,
          updated_at: now,
        })
        .execute();
      const token = 'OldTokenOldTokenOldToken1234';
      await (old as never as { insertInto(t: string): { values(v: object): { execute(): Promise<unknown> } } })
        .insertInto('links')
        .values({
          id: 'lnk_o',
          document_id: 'doc_o',
          sender_id: 'snd_o',
          token,
          token_hash: hashSecret(token),
          recipient: null,
          allow_download: 1,
          expires_at: null,
          revoked_at: null,
          created_at: now,
        })
        .execute();
      await old.destroy();
      const database = (await openDatabase({ dataDir: dir })) as SqliteAdapter;
      const { db } = database;
      try {
        const row = await db.selectFrom('links').selectAll().where('id', '=', 'lnk_o').executeTakeFirstOrThrow();
        assert.equal(Sealer.forDataDir(dir, LINK_TOKENS).open(row.token_sealed, 'lnk_o'), token);
        assert.equal(row.token_hash, hashSecret(token));
        assert.ok(!('token' in row));
        database.sqlite.pragma('wal_checkpoint(TRUNCATE)');
        assert.ok(!databaseBytes(dir).includes(Buffer.from(token)), 'the clear token is gone from the file');
      } finally {
        await database.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('files on disk', () => {
  it('DATA_DIR is owner-only, whether new or left world-readable before; the database and blobs are 0600', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-perm-'));
    try {
      for (const dir of [path.join(base, 'fresh'), path.join(base, 'old')]) {
        if (dir.endsWith('old')) fs.mkdirSync(dir, { mode: 0o755 });
        const { database, blobs } = await openStorage(loadConfig({ DATA_DIR: dir }));
        try {
          const src = path.join(base, 'src.pdf');
          fs.writeFileSync(src, makePdf(1), { mode: 0o644 });
          await blobs.putFile('documents/x/original.pdf', src, 'application/pdf');
          assert.equal(fs.statSync(dir).mode & 0o777, 0o700, `${dir} is 0700`);
          assert.equal(fs.statSync(path.join(dir, 'pagetrail.sqlite')).mode & 0o777, 0o600);
          assert.equal(fs.statSync(path.join(dir, 'blobs/documents/x/original.pdf')).mode & 0o777, 0o600);
          assert.equal(fs.statSync(path.join(dir, 'blobs/documents/x/original.pdf.etag')).mode & 0o777, 0o600);
        } finally {
          await blobs.close();
          await database.close();
        }
      }
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });

  it('a deleted recipient leaves the database file (secure_delete)', async () => {
    const doc = await uploadReady(t, alice.token, makePdf(1), 'Offer.pdf');
    const marker = `zq-${crypto.randomUUID()}@example.org`;
    await createLink(t, alice.token, doc, { recipient: marker });
    (t.database as SqliteAdapter).sqlite.pragma('wal_checkpoint(TRUNCATE)');
    assert.ok(databaseBytes(t.dataDir).includes(Buffer.from(marker)), 'stored first');
    await request(t.url).delete(`/api/documents/${doc}`).set('authorization', `Bearer ${alice.token}`).expect(204);
    (t.database as SqliteAdapter).sqlite.pragma('wal_checkpoint(TRUNCATE)');
    assert.ok(!databaseBytes(t.dataDir).includes(Buffer.from(marker)), 'gone from the file after deletion');
  });
});
