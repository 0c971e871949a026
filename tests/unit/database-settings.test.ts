// Database settings: SQLite in DATA_DIR unless DATABASE_URL names a PostgreSQL server; a bad URL is a boot error
// that never repeats the URL (it may hold a password). Storage's unavailable error is mapped to 503 at the edge.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { toAppError } from '../../server/http/errors.ts';
import { DatabaseUnavailableError } from '../../storage/db/errors.ts';
import { openDatabase } from '../../storage/db/index.ts';
import type { SqliteAdapter } from '../../storage/db/sqlite/open.ts';

test('the database is SQLite unless DATABASE_URL is a postgres:// URL', () => {
  const c = loadConfig({});
  assert.equal(c.DATABASE_URL, undefined);
  assert.equal(c.DATABASE_POOL_SIZE, 10);
  for (const url of ['postgres://app:pw@db.internal:5432/pagetrail', 'postgresql://db/pagetrail?sslmode=require']) {
    const p = loadConfig({ DATABASE_URL: url, DATABASE_POOL_SIZE: '25' });
    assert.equal(p.DATABASE_URL, url);
    assert.equal(p.DATABASE_POOL_SIZE, 25);
  }
});

test('another scheme or a bad pool size is a boot error, and the URL is not repeated in it', () => {
  assert.throws(
    () => loadConfig({ DATABASE_URL: 'mysql://app:s3cret-pw@db/pagetrail', DATABASE_POOL_SIZE: '0' }),
    (e) =>
      e instanceof ConfigError &&
      e.problems.some((p) => p.startsWith('DATABASE_URL=(hidden)')) &&
      e.problems.some((p) => p.startsWith('DATABASE_POOL_SIZE')) &&
      !e.message.includes('s3cret-pw'),
  );
});

test('a database that cannot be reached answers 503 database_unavailable, its cause kept for the log only', () => {
  const cause = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });
  const e = toAppError(new DatabaseUnavailableError({ cause }));
  assert.equal(e.status, 503);
  assert.equal(e.code, 'database_unavailable');
  assert.ok(!JSON.stringify(e.toJSON()).includes('10.0.0.5'), 'the public answer names no address');
  assert.equal(toAppError(new Error('something else')).code, 'internal_error');
});

test('SQLITE_SYNCHRONOUS is normal unless set to full, and both connections of a file database take it', async () => {
  assert.equal(loadConfig({}).SQLITE_SYNCHRONOUS, 'normal');
  assert.equal(loadConfig({ SQLITE_SYNCHRONOUS: 'full' }).SQLITE_SYNCHRONOUS, 'full');
  assert.throws(
    () => loadConfig({ SQLITE_SYNCHRONOUS: 'off' }),
    (e) => e instanceof ConfigError && e.problems.some((p) => p.startsWith('SQLITE_SYNCHRONOUS')),
  );
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pagetrail-sync-'));
  try {
    // SQLite's numbering: 1 NORMAL, 2 FULL.
    for (const [setting, level] of [
      ['normal', 1],
      ['full', 2],
    ] as const) {
      const db = await openDatabase({ dataDir: path.join(dir, setting), SQLITE_SYNCHRONOUS: setting });
      const { sqlite, thread } = db as SqliteAdapter;
      assert.equal(sqlite.pragma('synchronous', { simple: true }), level, `${setting}: the event loop's connection`);
      assert.equal(await thread!.synchronousLevel(), level, `${setting}: the database thread's connection`);
      await db.close();
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
