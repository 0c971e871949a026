// How the owner stops a database thread (the appending one and the checkpointing one) synchronously: it asks and
// waits on a shared flag, which the thread sets once its connection is closed.
import type { MessagePort, Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

/** `stopped` is the shared flag the owner waits on. */
export interface StopRequest {
  type: 'stop';
  stopped: Int32Array;
}

/** Asks the thread to close its connection; false when it did not answer within `timeoutMs`. */
export function stopAndWait(worker: Worker, timeoutMs = 2000): boolean {
  const stopped = new Int32Array(new SharedArrayBuffer(4));
  worker.postMessage({ type: 'stop', stopped } satisfies StopRequest);
  return Atomics.wait(stopped, 0, 0, timeoutMs) !== 'timed-out';
}

/** The thread's side: closes its connection, tells the owner, and lets the thread end. */
export function closeForStop(db: SQLite.Database | null, m: StopRequest, port: MessagePort): void {
  db?.close();
  Atomics.store(m.stopped, 0, 1);
  Atomics.notify(m.stopped, 0);
  port.close();
}
