// Opens a PDF with pdf.js to validate it and count its pages; refuses corrupt and password-protected files, files
// with more pages than allowed and files that take too long (or too much memory) to open. pdf.js runs in a small
// pool of worker threads (pdf-inspect-thread.ts): parsing a 200,000-page tree on the main thread stalled every
// other request for seconds. A thread past its deadline is terminated and replaced.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { fileEncrypted, pdfInvalid, pdfTooComplex, pdfTooManyPages } from '../errors.ts';
import type { InspectReply, InspectRequest } from './pdf-inspect-thread.ts';

export interface PdfInfo {
  pageCount: number;
  /** How long the inspection took, waiting for a thread included. */
  inspectMs?: number;
}

export interface InspectLimits {
  /** More pages than this: refused with pdf_too_many_pages. */
  maxPages: number;
  /** Longer than this: the thread is stopped and the file refused with pdf_too_complex. */
  timeoutMs: number;
}

/** The service's defaults (PDF_MAX_PAGES, PDF_INSPECT_TIMEOUT_MS); callers with a config pass its values. */
export const DEFAULT_INSPECT_LIMITS: InspectLimits = { maxPages: 20_000, timeoutMs: 30_000 };

const THREADS = Math.max(1, Math.min(2, os.availableParallelism()));
/** Old-generation heap of one thread; a file that needs more is refused, not allowed to grow the process. */
const THREAD_HEAP_MB = 1024;

interface Job {
  req: InspectRequest;
  timeoutMs: number;
  resolve(reply: InspectReply): void;
  reject(err: unknown): void;
}

class InspectThread {
  private worker: Worker | null = null;
  private job: Job | null = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly onIdle: () => void;

  constructor(onIdle: () => void) {
    this.onIdle = onIdle;
  }

  get busy(): boolean {
    return this.job !== null;
  }

  run(job: Job): void {
    this.job = job;
    const w = (this.worker ??= this.start());
    w.ref();
    this.timer = setTimeout(
      () => this.fail(pdfTooComplex({ cause: new Error('inspection deadline passed') })),
      job.timeoutMs,
    );
    w.postMessage(job.req);
  }

  private start(): Worker {
    const w = new Worker(new URL('./pdf-inspect-thread.ts', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB },
    });
    w.on('message', (reply: InspectReply) => {
      if (this.job?.req.id !== reply.id) return;
      const job = this.job;
      this.settle();
      job.resolve(reply);
    });
    w.on('error', (err) => this.fail(pdfTooComplex({ cause: err }), w));
    w.on('exit', () => this.fail(pdfTooComplex({ cause: new Error('inspection thread exited') }), w));
    w.unref();
    return w;
  }

  /** Ends the running job with err and throws the thread away (its pdf.js state cannot be trusted). */
  private fail(err: unknown, which: Worker | null = this.worker): void {
    if (which !== this.worker) return;
    const w = this.worker;
    this.worker = null;
    void w?.terminate();
    const job = this.job;
    this.settle();
    job?.reject(err);
  }

  private settle(): void {
    clearTimeout(this.timer);
    this.job = null;
    this.worker?.unref();
    this.onIdle();
  }
}

class InspectPool {
  private readonly waiting: Job[] = [];
  private readonly threads: InspectThread[];
  private nextId = 0;

  constructor(size: number) {
    this.threads = Array.from({ length: size }, () => new InspectThread(() => this.dispatch()));
  }

  run(file: string, limits: InspectLimits): Promise<InspectReply> {
    return new Promise((resolve, reject) => {
      const req = { id: ++this.nextId, file, maxPages: limits.maxPages };
      this.waiting.push({ req, timeoutMs: limits.timeoutMs, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const t of this.threads) {
      if (!this.waiting.length) return;
      if (!t.busy) t.run(this.waiting.shift()!);
    }
  }
}

let pool: InspectPool | undefined;

export async function inspectPdf(file: string, limits: InspectLimits = DEFAULT_INSPECT_LIMITS): Promise<PdfInfo> {
  const started = performance.now();
  const reply = await (pool ??= new InspectPool(THREADS)).run(file, limits);
  if (reply.ok) return { pageCount: reply.pageCount, inspectMs: Math.round(performance.now() - started) };
  const cause = new Error(reply.message);
  if (reply.reason === 'encrypted') throw fileEncrypted({ cause });
  if (reply.reason === 'too_many_pages') throw pdfTooManyPages(limits.maxPages, { cause });
  throw pdfInvalid({ cause });
}
