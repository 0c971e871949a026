// Runs in a worker thread: checkpoints the SQLite write-ahead log from its own connection, so the fsyncs and
// page copies of a checkpoint happen beside the event loop instead of inside whichever commit crossed the limit.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

const { file, intervalMs } = workerData as { file: string; intervalMs: number };
let db: SQLite.Database | null = null;

function checkpoint(): void {
  try {
    db ??= new SQLite(file, { fileMustExist: true });
    // PASSIVE never takes the writer's lock (so commits never wait on it); what it cannot copy now it copies next time.
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // The database is closing or was removed (tests): the owner's stop message follows.
  }
}

const timer = setInterval(checkpoint, intervalMs);
/** `stop` carries a shared flag the owner waits on: set once this connection is closed. */
parentPort!.on('message', (m: { stop: Int32Array }) => {
  clearInterval(timer);
  db?.close();
  Atomics.store(m.stop, 0, 1);
  Atomics.notify(m.stop, 0);
  parentPort!.close();
});
