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
parentPort!.on('message', (m: unknown) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db?.close();
  parentPort!.close();
});
