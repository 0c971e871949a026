// Generic supervisor for a pool of single-job worker processes (modelled on Gotenberg's supervisor.go):
// bounded queue refused at once when full, one job per worker, a deadline per job after which the worker is
// killed and replaced, restart after N jobs, lazy start, crash detection. The next job is picked fairly between
// owners (the one served longest ago goes first), so one owner's many jobs do not hold up everyone else's.
// Knows nothing of LibreOffice.
import type { Logger } from '../logger.ts';
import {
  AppError,
  conversionAborted,
  conversionFailed,
  conversionQueueFull,
  conversionTimeout,
  converterClosed,
  converterUnavailable,
} from '../errors.ts';

/** One started, ready process that runs one job at a time. */
export interface Worker<J, R> {
  run(job: J): Promise<R>;
  /** Cheap liveness probe, used before handing a worker that has been idle a while its next job. */
  ping(): Promise<void>;
  /** Ask it to exit and wait; kills it if it does not within graceMs. */
  stop(graceMs: number): Promise<void>;
  /** Kill it and everything it started, now. */
  kill(): void;
  /** Settles when the process has gone, for whatever reason. */
  readonly exited: Promise<void>;
  /** False as soon as the process is known to have exited (exited may settle later, after its cleanup). */
  alive?(): boolean;
}

export interface SupervisorOptions<J, R> {
  size: number;
  queueMax: number;
  timeoutMs: number;
  restartAfter: number;
  /** Resolves once the new worker is ready for jobs. */
  start(slot: number): Promise<Worker<J, R>>;
  logger: Logger;
  /** Probe a worker that has been idle longer than this before using it. */
  idleProbeMs?: number;
}

interface Slot<J, R> {
  index: number;
  worker?: Worker<J, R>;
  starting?: Promise<Worker<J, R>>;
  busy: boolean;
  jobs: number;
  lastUsed: number;
}

/** Per job: whose it is (fair pick), and whether the caller already bounded admission (no queue bound here). */
export interface RunOptions {
  signal?: AbortSignal;
  owner?: string;
  admitted?: boolean;
}

interface Pending<J, R> {
  job: J;
  owner: string;
  signal?: AbortSignal;
  resolve(r: R): void;
  reject(e: unknown): void;
  enqueued: number;
  onAbort?: () => void;
  /** Set once the job has been handed back after its process crashed; a second crash fails it. */
  retried?: boolean;
}

const closedError = () => converterClosed();

export class Supervisor<J, R> {
  private readonly slots: Slot<J, R>[];
  private readonly queue: Pending<J, R>[] = [];
  private closed = false;
  /** Workers winding down after their job quota; close() waits for them too. */
  private readonly stopping = new Set<Promise<void>>();
  private readonly opts: SupervisorOptions<J, R>;
  private readonly log: Logger;
  /** Owner -> when it was last handed a worker (a counter); forgotten when the queue empties. */
  private readonly served = new Map<string, number>();
  private turn = 0;

  constructor(opts: SupervisorOptions<J, R>) {
    this.opts = opts;
    this.log = opts.logger;
    this.slots = Array.from({ length: opts.size }, (_, index) => ({ index, busy: false, jobs: 0, lastUsed: 0 }));
  }

  run(job: J, options: RunOptions | AbortSignal = {}): Promise<R> {
    const { signal, owner = '', admitted = false } = options instanceof AbortSignal ? { signal: options } : options;
    if (this.closed) return Promise.reject(closedError());
    if (signal?.aborted) return Promise.reject(abortedError(signal));
    const idle = this.slots.some((s) => !s.busy);
    if (!admitted && !idle && this.queue.length >= this.opts.queueMax) {
      this.log.warn({ queued: this.queue.length, running: this.running() }, 'conversion queue full');
      return Promise.reject(conversionQueueFull());
    }
    return new Promise<R>((resolve, reject) => {
      const p: Pending<J, R> = { job, owner, signal, resolve, reject, enqueued: Date.now() };
      if (signal) {
        p.onAbort = () => {
          const i = this.queue.indexOf(p);
          if (i >= 0) {
            this.queue.splice(i, 1);
            reject(abortedError(signal));
          }
        };
        signal.addEventListener('abort', p.onAbort, { once: true });
      }
      this.queue.push(p);
      this.log.debug({ queued: this.queue.length, running: this.running() }, 'conversion queued');
      this.dispatch();
    });
  }

  status(): { ready: boolean; queued: number; running: number; workers: number } {
    const workers = this.slots.filter((s) => s.worker).length;
    // Lazy start: an unstarted pool is ready, it starts on the first job.
    return { ready: !this.closed, queued: this.queue.length, running: this.running(), workers };
  }

  /** Stop accepting, refuse the queue, let running jobs finish until the deadline, then stop every worker. */
  async close(deadlineMs = 10_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.queue.splice(0)) settle(p, () => p.reject(closedError()));
    const until = Date.now() + deadlineMs;
    while (this.running() > 0 && Date.now() < until) await sleep(25);
    await Promise.all(
      this.slots.map(async (s) => {
        const w = s.worker ?? (await s.starting?.catch(() => undefined));
        s.worker = undefined;
        if (!w) return;
        if (s.busy) w.kill();
        await w.stop(Math.max(0, Math.min(2000, until - Date.now())));
      }),
    );
    await Promise.all(this.stopping);
  }

  private running(): number {
    return this.slots.filter((s) => s.busy).length;
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => !s.busy && s.worker) ?? this.slots.find((s) => !s.busy);
      if (!slot) return;
      const p = this.next();
      if (p.signal && p.onAbort) p.signal.removeEventListener('abort', p.onAbort);
      slot.busy = true;
      void this.execute(slot, p).finally(() => {
        slot.busy = false;
        if (!this.closed) this.dispatch();
      });
    }
  }

  /** The waiting job whose owner was served longest ago (never: at once); first come first within an owner. */
  private next(): Pending<J, R> {
    let best = 0;
    let bestTurn = Infinity;
    for (let i = 0; i < this.queue.length && bestTurn >= 0; i++) {
      const turn = this.served.get(this.queue[i]!.owner) ?? -1;
      if (turn < bestTurn) [best, bestTurn] = [i, turn];
    }
    const [p] = this.queue.splice(best, 1);
    if (this.queue.length === 0) this.served.clear(); // no one waits: no history needed
    this.served.set(p!.owner, ++this.turn);
    return p!;
  }

  private async execute(slot: Slot<J, R>, p: Pending<J, R>): Promise<void> {
    let worker: Worker<J, R>;
    try {
      worker = await this.ready(slot);
    } catch (err) {
      this.log.error({ err, slot: slot.index }, 'converter process failed to start');
      p.reject(err instanceof AppError ? err : converterUnavailable({ cause: err }));
      return;
    }
    if (this.closed) return p.reject(closedError());
    const started = Date.now();
    slot.jobs++;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    let outcome: 'ok' | 'failed' | 'timeout' | 'aborted' | 'crashed' = 'ok';
    try {
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          outcome = 'timeout';
          reject(conversionTimeout());
        }, this.opts.timeoutMs);
        if (p.signal) {
          onAbort = () => {
            outcome = 'aborted';
            reject(abortedError(p.signal!));
          };
          p.signal.addEventListener('abort', onAbort, { once: true });
        }
      });
      const crashed = worker.exited.then(() => {
        outcome = 'crashed';
        if (this.closed) throw closedError(); // killed by close(), not by the document
        throw conversionFailed({ cause: new Error('converter process exited during the job') });
      });
      const result = await Promise.race([worker.run(p.job), deadline, crashed]);
      p.resolve(result);
    } catch (err) {
      // The process died under the job (its reply failed before `exited` settled): a crash, not the document's fault
      // alone. soffice also crashes on state left by earlier documents, so the job gets one more try on a fresh one.
      if (outcome === 'ok') outcome = worker.alive?.() === false || processGone(err) ? 'crashed' : 'failed';
      if (outcome === 'crashed' && !p.retried && !this.closed && !p.signal?.aborted) {
        p.retried = true;
        this.log.warn({ slot: slot.index }, 'converter process crashed during a job; retrying it on a fresh process');
        this.queue.unshift(p);
      } else {
        p.reject(
          outcome === 'crashed' && !this.closed && !(err instanceof AppError) ? conversionFailed({ cause: err }) : err,
        );
      }
    } finally {
      clearTimeout(timer);
      if (onAbort) p.signal?.removeEventListener('abort', onAbort);
      slot.lastUsed = Date.now();
      const ms = slot.lastUsed - started;
      this.log.info(
        { slot: slot.index, ms, waitedMs: started - p.enqueued, outcome, queued: this.queue.length },
        'conversion finished',
      );
      await this.afterJob(slot, worker, outcome);
    }
  }

  /** Replace the worker when it can no longer be trusted (killed, crashed) or has done its share of jobs. */
  private async afterJob(slot: Slot<J, R>, worker: Worker<J, R>, outcome: string): Promise<void> {
    if (outcome === 'timeout' || outcome === 'aborted' || outcome === 'crashed') {
      worker.kill();
      slot.worker = undefined;
      this.log.warn({ slot: slot.index, outcome }, 'converter process killed; starting a replacement');
      await worker.exited;
      this.warmUp(slot);
    } else if (slot.jobs >= this.opts.restartAfter) {
      slot.worker = undefined;
      this.log.info({ slot: slot.index, jobs: slot.jobs }, 'restarting converter process after its job quota');
      // The old process winds down while its replacement starts; the slot is free for the next job meanwhile.
      const stopping = worker.stop(2000);
      this.stopping.add(stopping);
      void stopping.finally(() => this.stopping.delete(stopping));
      this.warmUp(slot);
    }
  }

  private warmUp(slot: Slot<J, R>): void {
    if (this.closed) return;
    this.ready(slot).catch((err) => this.log.error({ err, slot: slot.index }, 'converter process failed to restart'));
  }

  /** The slot's worker, started (lazily) if needed and probed if it sat idle. */
  private async ready(slot: Slot<J, R>): Promise<Worker<J, R>> {
    if (slot.worker?.alive?.() === false) slot.worker = undefined;
    if (slot.worker) {
      if (Date.now() - slot.lastUsed < (this.opts.idleProbeMs ?? 30_000)) return slot.worker;
      const w = slot.worker;
      try {
        await withTimeout(w.ping(), 5000);
        return w;
      } catch (err) {
        this.log.warn({ err, slot: slot.index }, 'idle converter process failed its probe; replacing it');
        w.kill();
        slot.worker = undefined;
      }
    }
    if (!slot.starting) {
      const begun = Date.now();
      slot.starting = this.opts
        .start(slot.index)
        .then((w) => {
          slot.jobs = 0;
          slot.lastUsed = Date.now();
          if (this.closed) {
            void w.stop(0);
            throw closedError();
          }
          slot.worker = w;
          // Crash detection while idle: forget the worker so the next job starts a new one.
          void w.exited.then(() => {
            if (slot.worker === w) {
              slot.worker = undefined;
              if (!slot.busy) this.log.warn({ slot: slot.index }, 'idle converter process exited');
            }
          });
          this.log.info({ slot: slot.index, ms: Date.now() - begun }, 'converter process ready');
          return w;
        })
        .finally(() => {
          slot.starting = undefined;
        });
    }
    return slot.starting;
  }
}

function abortedError(signal: AbortSignal): AppError {
  return conversionAborted({ cause: signal.reason });
}

function settle<J, R>(p: Pending<J, R>, fn: () => void): void {
  if (p.signal && p.onAbort) p.signal.removeEventListener('abort', p.onAbort);
  fn();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, rej) => {
      t = setTimeout(() => rej(new Error('probe timed out')), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

/** A worker may mark a failure as its process dying under the job (`processGone`) before its exit is seen. */
function processGone(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { processGone?: unknown }).processGone === true;
}
