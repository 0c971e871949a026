// Runs in a worker thread: the embedded database's event appends, on its own connection (their inserts and
// commits happen beside the event loop instead of in it). The log is checkpointed by checkpoint-thread.ts.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import type { ThreadReply, ThreadRequest } from './db-thread-protocol.ts';
import { sqliteAppender } from './event-log.ts';
import { configureConnection, type Synchronous } from './settings.ts';
import { closeForStop } from './thread-stop.ts';

const { file, synchronous } = workerData as { file: string; synchronous: Synchronous };
let db: SQLite.Database | null = null;
let append: ReturnType<typeof sqliteAppender> | null = null;

/** Opened on first use: the owner creates the file and its schema first. */
function connection(): SQLite.Database {
  db ??= configureConnection(new SQLite(file, { fileMustExist: true }), { wal: true, synchronous });
  return db;
}

const reply = (m: ThreadReply) => parentPort!.postMessage(m);

parentPort!.on('message', (m: ThreadRequest) => {
  if (m.type === 'append') {
    try {
      append ??= sqliteAppender(connection());
      // New events answer with their seq, re-sent ones with the stored event's seq, negated.
      reply({
        type: 'appended',
        n: m.n,
        seqs: append(m.inputs, m.visits).map((a) => (a.duplicate ? -a.seq : Number(a.row.seq))),
      });
    } catch (err) {
      reply({
        type: 'failed',
        n: m.n,
        message: err instanceof Error ? err.message : String(err),
        code: (err as { code?: string }).code,
      });
    }
    return;
  }
  if (m.type === 'synchronous') {
    reply({ type: 'synchronous', n: m.n, level: Number(connection().pragma('synchronous', { simple: true })) });
    return;
  }
  if (m.type === 'stop') closeForStop(db, m, parentPort!);
});
