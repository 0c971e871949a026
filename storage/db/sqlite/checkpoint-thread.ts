// Runs in a worker thread of its own: copies the write-ahead log into the database file every `checkpointMs`, on
// its own connection. A checkpoint (with its syncs) takes milliseconds; on the appending thread every batch waiting
// behind it waited as long. SQLite lets writers go on committing while a checkpoint copies what came before.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { configureConnection, type Synchronous } from './settings.ts';
import { closeForStop, type StopRequest } from './thread-stop.ts';

const { file, checkpointMs, synchronous } = workerData as {
  file: string;
  checkpointMs: number;
  synchronous: Synchronous;
};
let db: SQLite.Database | null = null;

function checkpoint(): void {
  try {
    // Opened on first use: the owner creates the file and its schema first. PASSIVE never waits for other
    // connections; what it cannot copy now it copies next time.
    db ??= configureConnection(new SQLite(file, { fileMustExist: true }), { wal: true, synchronous });
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // The database is closing or was removed (tests): the owner's stop message follows.
  }
}

const timer = setInterval(checkpoint, checkpointMs);

parentPort!.on('message', (m: StopRequest) => {
  if (m.type !== 'stop') return;
  clearInterval(timer);
  closeForStop(db, m, parentPort!);
});
