// Converter adapter over a warm pool of soffice processes driven over UNO; the fast path.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../logger.ts';
import { type AppError, conversionAborted, converterClosed } from '../errors.ts';
import type { ConvertJob, Converter, ConverterStatus } from './converter.ts';
import { convertInFreshSoffice } from './fresh-soffice.ts';
import { acceptPdf, asAppError, withJobDir } from './job-files.ts';
import { alive, killProcesses } from './proc-sweep.ts';
import { giveTree, type Owner } from './run-as.ts';
import { SofficeWorker, type UnoJob } from './soffice-worker.ts';
import { Supervisor } from './supervisor.ts';

export interface UnoPoolOptions {
  size: number;
  queueMax: number;
  timeoutMs: number;
  restartAfter: number;
  startTimeoutMs: number;
  sofficePath: string;
  pythonPath: string;
  logger: Logger;
  /** Parent of every profile and job directory of this pool; a fresh one under os.tmpdir() by default. */
  workRoot?: string;
  /** The user soffice runs as (null: the service's own). */
  owner?: Owner | null;
  /** Probe a worker idle longer than this before its next job (default 1 s). */
  idleProbeMs?: number;
}

const ROOT_PREFIX = 'pagetrail-pool-';

/**
 * Pools whose process died without closing (killed hard) are cleaned up by the next pool: anything still
 * running from their work folder (a bridge and its soffice, should both have been killed at the same moment as
 * their owner, before the bridge could act) is killed, then the folder removed.
 */
export async function sweepStaleRoots(log: Logger): Promise<void> {
  for (const name of await fs.readdir(os.tmpdir()).catch(() => [] as string[])) {
    const pid = Number(/^pagetrail-(?:pool|lo)-(\d+)-[0-9a-f]+$/.exec(name)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    const dir = path.join(os.tmpdir(), name);
    const killed = await killProcesses(dir + path.sep);
    await fs.rm(dir, { recursive: true, force: true });
    log.info({ dir: name, killed }, 'cleaned up after a converter that did not close');
  }
}

export class UnoPoolConverter implements Converter {
  readonly workRoot: string;
  private readonly supervisor: Supervisor<UnoJob, string>;
  private readonly log: Logger;
  private generation = 0;
  private readonly owner: Owner | null;
  private closed = false;
  private readonly opts: UnoPoolOptions;
  /** Fresh-process fallbacks running now, bounded by the pool size so bad files cannot double the load; the rest
   * wait their turn here. */
  private fallbacks = 0;
  private readonly fallbackWaiters: (() => void)[] = [];

  constructor(o: UnoPoolOptions) {
    this.opts = o;
    this.log = o.logger;
    this.owner = o.owner ?? null;
    if (!o.workRoot)
      void sweepStaleRoots(this.log).catch((err: unknown) =>
        this.log.warn({ err }, 'sweeping stale converter folders failed'),
      );
    this.workRoot =
      o.workRoot ?? path.join(os.tmpdir(), `${ROOT_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
    this.supervisor = new Supervisor<UnoJob, string>({
      size: o.size,
      queueMax: o.queueMax,
      timeoutMs: o.timeoutMs,
      restartAfter: o.restartAfter,
      logger: o.logger,
      // A ping costs a millisecond; after a second of idleness it is cheaper than failing a job on a dead soffice.
      idleProbeMs: o.idleProbeMs ?? 1000,
      start: async (slot) => {
        await this.prepareRoot();
        return SofficeWorker.start({
          pythonPath: o.pythonPath,
          sofficePath: o.sofficePath,
          dir: path.join(this.workRoot, `office-${slot}-${++this.generation}`),
          startTimeoutMs: o.startTimeoutMs,
          logger: o.logger,
          owner: this.owner,
        });
      },
    });
  }

  private prepared: Promise<void> | null = null;

  /** The pool's folders; passable (not readable) by the user soffice runs as, who owns only its own below. */
  private prepareRoot(): Promise<void> {
    this.prepared ??= (async () => {
      const jobs = path.join(this.workRoot, 'jobs');
      await fs.mkdir(jobs, { recursive: true, mode: 0o700 });
      if (this.owner) for (const d of [this.workRoot, jobs]) await fs.chmod(d, 0o711);
    })();
    return this.prepared;
  }

  async convert(job: ConvertJob): Promise<string> {
    if (this.closed) throw converterClosed();
    const started = Date.now();
    try {
      await this.prepareRoot();
      return await withJobDir(path.join(this.workRoot, 'jobs'), job, async (dir, input) => {
        await giveTree(dir, this.owner);
        const produced = await this.supervisor
          .run(
            { input, output: path.join(dir, 'out.pdf') },
            { signal: job.signal, owner: job.owner, admitted: job.admitted },
          )
          .catch((err: unknown) => this.fallback(err, input, dir, job));
        return acceptPdf(produced, job);
      });
    } catch (err) {
      const e = asAppError(err);
      this.log.warn(
        { code: e.code, format: job.format, ms: Date.now() - started, err: e.cause ?? e },
        'conversion failed',
      );
      throw e;
    }
  }

  /** A document the pool could not load (or crashed on, twice) gets one plain soffice --convert-to. */
  private async fallback(err: unknown, input: string, dir: string, job: ConvertJob): Promise<string> {
    if (asAppError(err).code !== 'conversion_failed' || this.closed || job.signal?.aborted) throw err;
    this.log.warn(
      { format: job.format, err: (err as AppError).cause ?? err },
      'pooled conversion failed; trying a fresh soffice',
    );
    await this.fallbackTurn(job.signal);
    try {
      return await convertInFreshSoffice({
        sofficePath: this.opts.sofficePath,
        input,
        dir,
        owner: this.owner,
        timeoutMs: this.opts.timeoutMs,
        signal: job.signal,
      });
    } finally {
      this.fallbacks--;
      for (const wake of this.fallbackWaiters.splice(0)) wake();
    }
  }

  /** Waits until fewer than `size` fallbacks run (or the job is aborted), then counts this one in. */
  private async fallbackTurn(signal?: AbortSignal): Promise<void> {
    while (this.fallbacks >= this.opts.size) {
      await new Promise<void>((resolve) => {
        this.fallbackWaiters.push(resolve);
        signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      if (signal?.aborted) throw conversionAborted();
      if (this.closed) throw converterClosed();
    }
    this.fallbacks++;
  }

  status(): ConverterStatus {
    const s = this.supervisor.status();
    return {
      ready: s.ready && !this.closed,
      engine: 'uno-pool',
      queued: s.queued,
      running: s.running,
      detail: `${s.workers} soffice running`,
    };
  }

  /** soffice processes currently up (started and not known to have exited). */
  liveProcesses(): number {
    return this.supervisor.status().workers;
  }

  async close(deadlineMs?: number): Promise<void> {
    this.closed = true;
    for (const wake of this.fallbackWaiters.splice(0)) wake();
    await this.supervisor.close(deadlineMs);
    await fs.rm(this.workRoot, { recursive: true, force: true });
  }
}
