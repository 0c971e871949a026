// The event loop's side of the database thread: requests numbered and answered in order, the thread kept alive
// only while a request is out, restarted if it ever dies, and stopped synchronously with its owner's connection.
// Beside it, a checkpoint thread (checkpoint-thread.ts), stopped with it.
import { Worker } from 'node:worker_threads';
import type { ThreadReply, ThreadRequest } from './db-thread-protocol.ts';
import type { EventInput } from '../event-log.ts';
import type { VisitRow } from '../schema.ts';
import type { Synchronous } from './settings.ts';
import { stopAndWait } from './thread-stop.ts';

interface Waiting {
  resolve: (value: never) => void;
  reject: (err: Error) => void;
}

export class DatabaseThread {
  private worker: Worker | null = null;
  private readonly checkpointer: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private n = 0;
  private stopped = false;
  private readonly file: string;
  private readonly synchronous: Synchronous;

  constructor(file: string, checkpointMs: number, synchronous: Synchronous = 'normal') {
    this.file = file;
    this.synchronous = synchronous;
    this.start();
    this.checkpointer = new Worker(new URL('./checkpoint-thread.ts', import.meta.url), {
      workerData: { file, checkpointMs, synchronous },
    });
    this.checkpointer.unref();
    // A checkpoint thread that died leaves the log to the commits' own checkpoints (wal_autocheckpoint).
    this.checkpointer.on('error', () => {});
  }

  /** Appends a batch (and the new visits it opens) in one transaction on the thread's connection. Per input: its
   * seq, or minus the stored event's seq for a re-send. */
  append(inputs: EventInput[], visits: VisitRow[] = []): Promise<number[]> {
    return this.request<number[]>((n) => ({ type: 'append', n, inputs, visits }));
  }

  /** The `synchronous` level of the thread's connection (SQLite's number: 1 NORMAL, 2 FULL). */
  synchronousLevel(): Promise<number> {
    return this.request<number>((n) => ({ type: 'synchronous', n }));
  }

  private request<T>(make: (n: number) => ThreadRequest): Promise<T> {
    if (this.stopped) return Promise.reject(new Error('the database is closed'));
    const worker = this.worker ?? this.start();
    const n = ++this.n;
    if (this.waiting.size === 0) worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(n, { resolve: resolve as (value: never) => void, reject });
      worker.postMessage(make(n));
    });
  }

  /** Waits (briefly, synchronously) until the thread's connection is closed; a thread that does not answer in
   * 2 s is ended. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.worker && !stopAndWait(this.worker)) void this.kill();
    this.fail(new Error('the database is closed'));
    if (!stopAndWait(this.checkpointer)) void this.checkpointer.terminate();
  }

  /** Ends the thread at once, as a crash would: a batch it was writing is rolled back and its appends fail; the
   * next append starts a new thread. */
  async kill(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    this.fail(new Error('the database thread stopped'));
    await worker.terminate();
  }

  private start(): Worker {
    const worker = new Worker(new URL('./db-thread.ts', import.meta.url), {
      workerData: { file: this.file, synchronous: this.synchronous },
    });
    worker.unref();
    worker.on('message', (m: ThreadReply) => {
      const w = this.waiting.get(m.n);
      if (!w) return;
      this.waiting.delete(m.n);
      if (this.waiting.size === 0) worker.unref();
      if (m.type === 'appended') w.resolve(m.seqs as never);
      else if (m.type === 'synchronous') w.resolve(m.level as never);
      else w.reject(Object.assign(new Error(m.message), m.code ? { code: m.code } : {}));
    });
    // The current thread died (a killed one was already let go): what waits on it fails.
    worker.on('error', (err) => this.worker === worker && this.fail(err));
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.fail(new Error('the database thread stopped'));
    });
    this.worker = worker;
    return worker;
  }

  private fail(err: Error): void {
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}
