// SQLite adapter for the embedded default: one file in DATA_DIR, WAL mode, and a database thread that appends
// events and checkpoints the log beside the event loop (an in-memory database appends in the event loop).
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { DatabaseAdapter } from '../adapter.ts';
import type { Database } from '../schema.ts';
import { DatabaseThread } from './db-thread-client.ts';
import { SqliteEventLog } from './event-log.ts';
import { ThreadEventLog } from './event-log-thread.ts';
import { configureConnection, type Synchronous } from './settings.ts';

const CHECKPOINT_EVERY_MS = 250;

/** A connection with a database thread beside it (event appends, checkpoints); closing it stops the thread. */
class WalDatabase extends SQLite {
  readonly thread: DatabaseThread;

  constructor(file: string, synchronous: Synchronous) {
    // Made owner-only before SQLite opens it: its log and shared-memory files take the database file's mode.
    fs.closeSync(fs.openSync(file, 'a', 0o600));
    fs.chmodSync(file, 0o600);
    super(file);
    configureConnection(this, { wal: true, synchronous });
    for (const f of [`${file}-wal`, `${file}-shm`]) if (fs.existsSync(f)) fs.chmodSync(f, 0o600);
    this.thread = new DatabaseThread(file, CHECKPOINT_EVERY_MS, synchronous);
  }

  /** Stops the thread first, so this connection is the last and folds the log into the database file. */
  override close(): this {
    this.thread.stop();
    return super.close();
  }
}

export interface SqliteAdapter extends DatabaseAdapter {
  readonly kind: 'sqlite';
  /** The connection the query builder uses (maintenance and tests prepare their own statements on it). */
  readonly sqlite: SQLite.Database;
  /** The database thread of a file-backed database (none for an in-memory one). */
  readonly thread: DatabaseThread | undefined;
}

export function openSqlite(file: string, opts: { synchronous?: Synchronous } = {}): SqliteAdapter {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const sqlite =
    file === ':memory:'
      ? configureConnection(new SQLite(file), { wal: false })
      : new WalDatabase(file, opts.synchronous ?? 'normal');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const thread = sqlite instanceof WalDatabase ? sqlite.thread : undefined;
  return {
    kind: 'sqlite',
    db,
    sqlite,
    thread,
    events: thread ? new ThreadEventLog(thread) : new SqliteEventLog(sqlite),
    async check() {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
