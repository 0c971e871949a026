// The settings every connection to the embedded database takes: the event loop's and the database thread's must
// agree, or one would skip foreign keys or fail at once on a lock the other waits for.
import type SQLite from 'better-sqlite3';

/** `normal`: in WAL mode a commit survives a process crash but not a power loss (the log is synced only at
 * checkpoints); `full`: the log is synced at every commit, so a commit also survives a power loss. */
export type Synchronous = 'normal' | 'full';

export function configureConnection(
  db: SQLite.Database,
  opts: { wal: boolean; synchronous?: Synchronous },
): SQLite.Database {
  if (opts.wal) {
    db.pragma('journal_mode = WAL');
    // The database thread copies the log into the database file as it grows. The log starts over only after a
    // checkpoint that caught up with every writer, which steady writes may never allow, so a connection still
    // checkpoints itself past 8 MiB of log; by then the thread has copied most of it, leaving little to do.
    db.pragma('wal_autocheckpoint = 2048');
  }
  db.pragma(`synchronous = ${opts.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  // Deleted rows (a removed recipient, a deleted document's events) are overwritten, not left in free pages.
  db.pragma('secure_delete = ON');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}
