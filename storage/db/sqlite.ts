// SQLite adapter for the embedded default: one file in DATA_DIR, WAL mode, and a database thread that appends
// events and checkpoints the log beside the event loop.
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { DatabaseThread } from './db-thread-client.ts';
import type { Database } from './schema.ts';
import { configureConnection } from './sqlite-settings.ts';

const handles = new WeakMap<Kysely<Database>, SQLite.Database>();

/** The better-sqlite3 handle behind a Kysely instance, for the few paths that prepare their own statements. */
export function sqliteHandle(db: Kysely<Database>): SQLite.Database | undefined {
  return handles.get(db);
}

/** The database thread of a file-backed SQLite database (none for an in-memory one). */
export function sqliteThread(db: Kysely<Database>): DatabaseThread | undefined {
  const h = handles.get(db);
  return h instanceof WalDatabase ? h.thread : undefined;
}

const CHECKPOINT_EVERY_MS = 250;

/** A connection with a database thread beside it (event appends, checkpoints); closing it stops the thread. */
class WalDatabase extends SQLite {
  readonly thread: DatabaseThread;

  constructor(file: string) {
    // Made owner-only before SQLite opens it: its log and shared-memory files take the database file's mode.
    fs.closeSync(fs.openSync(file, 'a', 0o600));
    fs.chmodSync(file, 0o600);
    super(file);
    configureConnection(this, { wal: true });
    for (const f of [`${file}-wal`, `${file}-shm`]) if (fs.existsSync(f)) fs.chmodSync(f, 0o600);
    this.thread = new DatabaseThread(file, CHECKPOINT_EVERY_MS);
  }

  /** Stops the thread first, so this connection is the last and folds the log into the database file. */
  override close(): this {
    this.thread.stop();
    return super.close();
  }
}

export function openSqlite(file: string): Kysely<Database> {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const sqlite = file === ':memory:' ? configureConnection(new SQLite(file), { wal: false }) : new WalDatabase(file);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  handles.set(db, sqlite);
  return db;
}
