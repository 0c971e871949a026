// One suite for every database adapter (SQLite, PostgreSQL), through openDatabase as the service opens them: the
// schema from the one migration source, values coming back with the same types, constraints, transactions, and
// the health check. The event log has its own shared suite (event-log.test.ts).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { toAppError } from '../../server/http/errors.ts';
import { DatabaseUnavailableError } from '../../storage/db/errors.ts';
import { openDatabase, type Db } from '../../storage/db/index.ts';
import { openPostgres } from '../../storage/db/postgres/open.ts';
import { DATABASES, type OpenedDatabase } from '../helpers/databases.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { sql } from 'kysely';

const TABLES = [
  'api_tokens',
  'documents',
  'events',
  'links',
  'message_attachments',
  'message_copies',
  'message_copy_links',
  'message_recipients',
  'messages',
  'senders',
  'sessions',
  'visit_totals',
  'visits',
];

const now = () => new Date().toISOString();
const sender = (db: Db, id: string, email = `${id}@example.org`) =>
  db.insertInto('senders').values({ id, email, password_hash: 'x', created_at: now() }).execute();

for (const { name, open } of DATABASES) {
  describe(name, () => {
    let opened: OpenedDatabase;
    let db: Db;
    after(() => opened?.close());

    it('creates every table from the one migration source, and a second start on it changes nothing', async () => {
      opened = await open();
      db = opened.database.db;
      const tables = (await db.introspection.getTables()).map((t) => t.name).filter((t) => !t.startsWith('kysely_'));
      for (const t of TABLES) assert.ok(tables.includes(t), `table ${t} exists`);
      // Two instances starting at once on the same database: the migrations run once, both open.
      const again = await Promise.all(
        [1, 2].map(() => openDatabase({ dataDir: opened.dataDir, DATABASE_URL: opened.url, DATABASE_POOL_SIZE: 2 })),
      );
      for (const d of again) await d.close();
      assert.equal(opened.database.kind, name === 'SQLite' ? 'sqlite' : 'postgres');
    });

    it('gives numbers back as numbers: bigint columns, counts, sums and maxima', async () => {
      await sender(db, 'snd_n');
      await db.updateTable('senders').set({ event_seq: 41 }).where('id', '=', 'snd_n').execute();
      const row = await db
        .selectFrom('senders')
        .select('event_seq')
        .where('id', '=', 'snd_n')
        .executeTakeFirstOrThrow();
      assert.strictEqual(row.event_seq, 41);
      await db
        .insertInto('visit_totals')
        .values([
          { visit_id: 'vis_n1', accounted_ms: 2 ** 40 },
          { visit_id: 'vis_n2', accounted_ms: 5 },
        ])
        .execute();
      const agg = await db
        .selectFrom('visit_totals')
        .select((eb) => [
          eb.fn.countAll<number>().as('n'),
          eb.fn.sum<number>('accounted_ms').as('sum'),
          eb.fn.max('accounted_ms').as('max'),
        ])
        .where('visit_id', 'like', 'vis_n%')
        .executeTakeFirstOrThrow();
      assert.deepEqual(agg, { n: 2, sum: 2 ** 40 + 5, max: 2 ** 40 });
    });

    it('compares text exactly (case and all) and orders ISO times as times', async () => {
      await sender(db, 'snd_case', 'Case@example.org');
      const lower = await db.selectFrom('senders').select('id').where('email', '=', 'case@example.org').execute();
      assert.deepEqual(lower, []);
      const times = ['2026-03-01T10:00:00.000Z', '2025-12-31T23:59:59.999Z', '2026-03-01T09:59:59.999Z'];
      for (const [i, at] of times.entries())
        await db
          .insertInto('sessions')
          .values({ id_hash: `h${i}`, sender_id: 'snd_case', expires_at: at, created_at: at })
          .execute();
      const ordered = await db
        .selectFrom('sessions')
        .select('expires_at')
        .where('sender_id', '=', 'snd_case')
        .where('expires_at', '>', '2026-01-01T00:00:00.000Z')
        .orderBy('expires_at')
        .execute();
      assert.deepEqual(
        ordered.map((r) => r.expires_at),
        [times[2], times[0]],
      );
    });

    it('refuses a duplicate unique value and keeps the first row', async () => {
      await sender(db, 'snd_u', 'u@example.org');
      await assert.rejects(sender(db, 'snd_u2', 'u@example.org'));
      const rows = await db.selectFrom('senders').select('id').where('email', '=', 'u@example.org').execute();
      assert.deepEqual(rows, [{ id: 'snd_u' }]);
    });

    it('rolls a failed transaction back whole', async () => {
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          await sender(trx, 'snd_t1');
          await sender(trx, 'snd_t2', 'snd_t1@example.org');
        }),
      );
      assert.deepEqual(await db.selectFrom('senders').select('id').where('id', '=', 'snd_t1').execute(), []);
    });

    it('enforces foreign keys and cascades deletes', async () => {
      await sender(db, 'snd_fk');
      await db
        .insertInto('api_tokens')
        .values({ id: 'tok_fk', sender_id: 'snd_fk', token_hash: 'th_fk', created_at: now() })
        .execute();
      await assert.rejects(
        db
          .insertInto('api_tokens')
          .values({ id: 'tok_orphan', sender_id: 'snd_none', token_hash: 'th_o', created_at: now() })
          .execute(),
      );
      const deleted = await db.deleteFrom('senders').where('id', '=', 'snd_fk').executeTakeFirst();
      assert.equal(Number(deleted.numDeletedRows), 1);
      assert.deepEqual(await db.selectFrom('api_tokens').select('id').where('id', '=', 'tok_fk').execute(), []);
    });

    it('answers the health check while open, and not once closed', async () => {
      await opened.database.check();
      const extra = await openDatabase({ dataDir: opened.dataDir, DATABASE_URL: opened.url });
      await extra.check();
      await extra.close();
      await assert.rejects(extra.check());
    });
  });
}

describe('PostgreSQL unreachable', () => {
  it('fails the health check and queries with DatabaseUnavailableError, within the connect timeout', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const database = openPostgres('postgres://postgres@127.0.0.1:1/none', { poolSize: 1, connectTimeoutMs: 2000 });
    try {
      await assert.rejects(database.check(), DatabaseUnavailableError);
      await assert.rejects(database.db.selectFrom('senders').selectAll().execute(), DatabaseUnavailableError);
    } finally {
      await database.close();
    }
  });
});

describe('PostgreSQL connection lost mid-query', () => {
  it('answers 503 database_unavailable for the query it broke, and the next query runs on a new connection', async () => {
    const made = await createTestDatabase();
    const database = openPostgres(made.url, { poolSize: 1, connectTimeoutMs: 5000 });
    const killer = new pg.Client({ connectionString: made.url });
    try {
      await killer.connect();
      await database.check();
      const slow = sql`select pg_sleep(30)`.execute(database.db);
      const caught = slow.catch((err: unknown) => err);
      // The backend running the sleep, ended as an administrator (or a failover) would end it.
      const deadline = Date.now() + 20_000;
      let ended = 0;
      while (!ended && Date.now() < deadline) {
        const r = await killer.query(
          "select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = $1 and query like 'select pg_sleep%' and pid <> pg_backend_pid()",
          [made.name],
        );
        ended = r.rowCount ?? 0;
        if (!ended) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(ended, 'found the backend running the slow query');
      const err = await caught;
      assert.ok(err instanceof Error, `the query failed (got ${String(err)})`);
      const answer = toAppError(err);
      assert.equal(answer.status, 503, `${(err as Error).message} -> ${answer.code}`);
      assert.equal(answer.code, 'database_unavailable');
      await database.check();
    } finally {
      await killer.end().catch(() => {});
      await database.close();
      await made.drop();
    }
  });
});
