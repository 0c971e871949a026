// A conversion worker: takes jobs off the queue, reads the document's original from the blob store, converts it
// with the warm pool, stores the PDF and records the outcome. A job that fails is retried with back-off up to its
// attempts; one that cannot succeed (a damaged or protected file) fails at once; the last failure is recorded on
// the document. While a job runs its lock is renewed every lockMs / 2; a worker that dies stops renewing, and
// another worker's stalled check (every lockMs) puts the job back in line: once, then it fails as interrupted.
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Job } from 'bullmq';
import type { BlobStore } from '../../storage/blobs/blob-store.ts';
import type { Db } from '../../storage/db/index.ts';
import { closeRedis, connectRedis } from '../../storage/redis/connection.ts';
import { isAppError, processingInterrupted } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Converter } from './converter.ts';
import type { InspectLimits } from './pdf-inspect.ts';
import { type ConversionJob, QUEUE_NAME } from './queue.ts';
import { afterReady, blobKeys, failedOutcome, recordOutcome, render } from './render.ts';
import type { DetectedFormat } from './sniff.ts';

export interface WorkerDeps {
  db: Db;
  blobs: BlobStore;
  converter: Converter;
  logger: Logger;
  tmpDir: string;
  qpdfPath: string;
  pdftoppmPath: string;
  /** PAGE_THUMBNAILS_MAX. */
  pageThumbnailsMax: number;
  inspectLimits: InspectLimits;
  url: string;
  prefix: string;
  concurrency: number;
  lockMs: number;
}

export interface ConversionWorker {
  /** Stops taking jobs, lets running ones finish up to `graceMs` (the rest are aborted and retried elsewhere). */
  close(graceMs: number): Promise<void>;
}

export async function startConversionWorker(d: WorkerDeps): Promise<ConversionWorker> {
  const { Worker, UnrecoverableError } = await import('bullmq');
  const abort = new AbortController();
  const connection = await connectRedis(d.url, { blocking: true, name: 'pagetrail-worker' });

  async function convert(job: Job<ConversionJob>): Promise<string> {
    const { documentId } = job.data;
    const doc = await d.db.selectFrom('documents').selectAll().where('id', '=', documentId).executeTakeFirst();
    if (!doc || doc.status !== 'processing') return 'skipped';
    const k = blobKeys(documentId);
    const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const work = await fs.mkdtemp(path.join(d.tmpDir, 'job-'));
    try {
      if (!(await d.blobs.stat(k.original))) throw processingInterrupted();
      const inputPath = path.join(work, 'original');
      await pipeline(await d.blobs.read(k.original), createWriteStream(inputPath));
      const started = Date.now();
      const rendered = await render(
        d,
        {
          documentId,
          format: doc.format as DetectedFormat,
          inputPath,
          owner: doc.sender_id,
          admitted: true,
          signal: abort.signal,
        },
        work,
      );
      await recordOutcome(d.db, d.blobs, documentId, rendered.outcome, { onlyProcessing: true });
      const readyMs = Date.now() - started;
      // After ready: a thumbnail that fails leaves the document ready without one.
      const pdf = { path: rendered.pdfPath, pageCount: Number(rendered.outcome.page_count ?? 0) };
      const after = await afterReady(d, documentId, pdf, work, abort.signal).catch((err: unknown) => {
        d.logger.warn({ documentId, err }, 'thumbnail not made');
        return null;
      });
      if (after) await recordOutcome(d.db, d.blobs, documentId, after.patch);
      d.logger.info(
        {
          documentId,
          attempt: job.attemptsMade + 1,
          ...rendered.steps,
          readyMs,
          thumbnailMs: after?.thumbnailMs ?? null,
          firstPageMs: after?.firstPageMs ?? null,
          pageThumbnailsMs: after?.pageThumbnailsMs ?? null,
          totalMs: Date.now() - started,
        },
        'document ready',
      );
      return 'ready';
    } catch (err) {
      // Our own refusals (damaged, protected, unsupported: 4xx) come out the same on every try.
      const hopeless = isAppError(err) && err.status < 500;
      // Stopping: the job goes back in line for another worker (its lock lapses), whatever try this was.
      if (abort.signal.aborted) throw err;
      d.logger.warn(
        { documentId, attempt: job.attemptsMade + 1, final: final || hopeless, err },
        'conversion try failed',
      );
      if (final || hopeless)
        await recordOutcome(d.db, d.blobs, documentId, failedOutcome(documentId, err), { onlyProcessing: true });
      throw hopeless ? new UnrecoverableError(isAppError(err) ? err.code : String(err)) : err;
    } finally {
      await fs.rm(work, { recursive: true, force: true });
    }
  }

  const worker = new Worker<ConversionJob>(QUEUE_NAME, convert, {
    connection,
    prefix: d.prefix,
    concurrency: d.concurrency,
    lockDuration: d.lockMs,
    stalledInterval: d.lockMs,
    maxStalledCount: 1,
  });
  worker.on('error', (err) => d.logger.error({ err }, 'queue worker error'));
  worker.on('stalled', (jobId) => d.logger.warn({ documentId: jobId }, 'a worker stopped on this job; it runs again'));
  await worker.waitUntilReady();
  d.logger.info({ concurrency: d.concurrency, lockMs: d.lockMs }, 'conversion worker taking jobs');

  return {
    async close(graceMs) {
      const closing = worker.close();
      const timer = new Promise<'timeout'>((r) => setTimeout(r, graceMs, 'timeout').unref());
      if ((await Promise.race([closing, timer])) === 'timeout') {
        abort.abort();
        await worker.close(true).catch(() => {});
      }
      await closeRedis(connection);
    },
  };
}
