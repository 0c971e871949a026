// SQLite adapter for the embedded default: one file in DATA_DIR, WAL mode, checkpoints mostly in a worker thread.
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.ts';

const handles = new WeakMap<Kysely<Database>, SQLite.Database>();

/** The better-sqlite3 handle behind a Kysely instance, for the few paths that prepare their own statements. */
export function sqliteHandle(db: Kysely<Database>): SQLite.Database | undefined {
  return handles.get(db);
}

const CHECKPOINT_EVERY_MS = 250;

/** A connection whose WAL is checkpointed mostly by a worker thread; closing it stops the worker. */
class WalDatabase extends SQLite {
  private readonly checkpointer: Worker;

  constructor(file: string) {
    super(file);
    this.pragma('journal_mode = WAL');
    // The worker copies the log into the database file as it grows. The log starts over only after a checkpoint
    // that caught up with the writer, which steady writes from elsewhere may never allow, so the writer still
    // checkpoints itself past 8 MiB of log; by then the worker has copied most of it, leaving little to do.
    this.pragma('wal_autocheckpoint = 2048');
    this.checkpointer = new Worker(new URL('./checkpoint-worker.ts', import.meta.url), { workerData: { file, intervalMs: CHECKPOINT_EVERY_MS } });
    this.checkpointer.unref();
  }

  /** Waits (briefly, synchronously) for the worker's connection to close first, so this one is the last and
   * folds the log into the database file before close() returns. */
  override close(): this {
    const stopped = new Int32Array(new SharedArrayBuffer(4));
    this.checkpointer.postMessage({ stop: stopped });
    Atomics.wait(stopped, 0, 0, 2000);
    return super.close();
  }
}

export function openSqlite(file: string): Kysely<Database> {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = file === ':memory:' ? new SQLite(file) : new WalDatabase(file);
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  handles.set(db, sqlite);
  return db;
}
