// Picks the database adapter from configuration and brings the schema up to date.
import path from 'node:path';
import { sql } from 'kysely';
import type { EventLog } from './event-log.ts';
import { KyselyEventLog } from './event-log-kysely.ts';
import { SqliteEventLog } from './event-log-sqlite.ts';
import { ThreadEventLog } from './event-log-thread.ts';
import { COPY_TOKENS, LINK_TOKENS, Sealer } from '../sealer.ts';
import { migrate } from './migrations.ts';
import type { Db } from './schema.ts';
import { openSqlite, sqliteHandle, sqliteThread } from './sqlite.ts';

export async function openDatabase(opts: { dataDir: string; file?: string }): Promise<Db> {
  const db = openSqlite(opts.file ?? path.join(opts.dataDir, 'pagetrail.sqlite'));
  await migrate(db, undefined, {
    linkSealer: () => Sealer.forDataDir(opts.dataDir, LINK_TOKENS),
    copySealer: () => Sealer.forDataDir(opts.dataDir, COPY_TOKENS),
  });
  return db;
}

export async function checkDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

/** The event log for a database: on its database thread, else on its SQLite connection, else through the query builder. */
export function createEventLog(db: Db): EventLog {
  const thread = sqliteThread(db);
  if (thread) return new ThreadEventLog(thread);
  const sqlite = sqliteHandle(db);
  return sqlite ? new SqliteEventLog(sqlite) : new KyselyEventLog(db);
}

export type * from './schema.ts';
export type { Appended, EventInput, EventLog } from './event-log.ts';
