// Runs in a worker thread: checkpoints the SQLite write-ahead log from its own connection, so the fsyncs and
// page copies of a checkpoint happen beside the event loop instead of inside whichever commit crossed the limit.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

const { file, intervalMs } = workerData as { file: string; intervalMs: number };
/** 2,048 pages of 4 KiB: 8 MiB of log. */
const RESTART_FRAMES = 2048;
let db: SQLite.Database | null = null;

function checkpoint(): void {
  try {
    if (!db) {
      db = new SQLite(file, { fileMustExist: true });
      db.pragma('busy_timeout = 5000');
    }
    // PASSIVE never waits for the writer; what it cannot copy now it copies next time. But the log only starts
    // over after a checkpoint that caught up with the writer, which steady writes may never allow: past a size,
    // RESTART holds new commits back (they wait on the busy timeout) until the log can start over.
    const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    if (r && r.log > RESTART_FRAMES) db.pragma('wal_checkpoint(RESTART)');
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
