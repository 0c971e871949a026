// From an accepted upload to a stored, ready PDF: quota -> admission -> convert (Office) -> inspect -> compact ->
// store -> ready, then the thumbnail. Admission is decided before the upload is answered 202; the rest runs in
// the background; in-flight jobs are drained on shutdown.
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from '../../storage/blobs/blob-store.ts';
import type { Db, DocumentRow } from '../../storage/db/index.ts';
import { newId } from '../ids.ts';
import { documentJson } from '../documents/documents.ts';
import {
  conversionQueueFull,
  converterUnavailable,
  isAppError,
  processingInterrupted,
  senderQueueFull,
} from '../errors.ts';
import type { DomainEvents } from '../events.ts';
import type { Logger } from '../logger.ts';
import { Admission, type AdmissionLimits } from './admission.ts';
import type { Converter } from './converter.ts';
import type { InspectLimits } from './pdf-inspect.ts';
import { inspectOrRepair, pdftocairoBeside } from './pdf-repair.ts';
import type { ConversionQueue } from './queue.ts';
import { afterReady, blobKeys, failedOutcome, recordOutcome, render, type Rendered } from './render.ts';
import { type QuotaLimits, UploadQuota } from './upload-quota.ts';
import type { DetectedFormat } from './sniff.ts';

export interface IngestDeps {
  db: Db;
  blobs: BlobStore;
  converter: Converter;
  logger: Logger;
  tmpDir: string;
  qpdfPath: string;
  pdftoppmPath: string;
  /** PAGE_THUMBNAILS_MAX. */
  pageThumbnailsMax: number;
  /** Queue mode: jobs waiting in the shared queue before uploads get 429. */
  queueMax: number;
  /** Inline mode: conversions admitted at once, in all and per sender. */
  admission: AdmissionLimits;
  quota: QuotaLimits;
  inspectLimits: InspectLimits;
  /** Queue mode (CONVERT_MODE=queue): conversions are handed to workers. */
  queue?: ConversionQueue | null;
  /** A document's change of status goes out on it (`document:updated`). */
  bus: DomainEvents;
}

export interface Upload {
  senderId: string;
  name: string;
  tempPath: string;
  size: number;
  format: DetectedFormat;
  /** Milliseconds from the request's arrival to its acceptance (the body received and its type checked). */
  receiveMs?: number;
  /** SHA-256 of the file, kept so the same file from the same sender can be found again (mail attachments). */
  contentHash?: string;
}

/** A document left processing without its original for this long was cut short by an instance that died. */
const ORPHAN_AFTER_MS = 15 * 60_000;

export class Ingest {
  private readonly deps: IngestDeps;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  /** Queue mode: documents this instance handed to the queue, whose end it announces. */
  private readonly handedOver = new Set<string>();
  private readonly admission: Admission;
  private readonly quota: UploadQuota;

  constructor(deps: IngestDeps) {
    this.deps = deps;
    this.admission = new Admission(deps.admission);
    this.quota = new UploadQuota(deps.db, deps.quota);
    deps.queue?.onEnded((documentId, failedReason) => {
      this.queueEnded(documentId, failedReason).catch((err: unknown) =>
        deps.logger.error({ err, documentId }, 'could not record a queued conversion'),
      );
    });
  }

  /** Queue mode: room in the shared queue and in the sender's share of it; the job's priority (the sender's nth
   * document processing gets priority n, so workers take every sender's first before anyone's second). */
  private async queueRoom(senderId: string): Promise<number> {
    const { queue, queueMax, db, admission } = this.deps;
    if ((await queue!.waiting()) >= queueMax) throw conversionQueueFull();
    const row = await db
      .selectFrom('documents')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('sender_id', '=', senderId)
      .where('status', '=', 'processing')
      .executeTakeFirst();
    const processing = Number(row?.n ?? 0);
    if (processing >= admission.perSender) throw senderQueueFull();
    return processing + 1;
  }

  /** Validates what can be validated at once, decides admission, records the document, and processes the rest in
   * the background. A document answered here will be converted: nothing later refuses it for want of room. */
  async accept(upload: Upload): Promise<DocumentRow> {
    const { db, queue } = this.deps;
    const acceptedAt = Date.now();
    await this.quota.take(upload.senderId, upload.size);
    // Inline Office conversions: a place in the pool or its queue, taken synchronously (no await between the check
    // and the taking), given back when the conversion is over.
    const release = !queue && upload.format !== 'pdf' ? this.admission.admit(upload.senderId) : null;
    let pageCount: number | null = null;
    let repairedPath: string | null = null;
    let priority = 1;
    let doc: DocumentRow;
    try {
      if (upload.format === 'pdf') {
        const tools = { qpdfPath: this.deps.qpdfPath, pdftocairoPath: pdftocairoBeside(this.deps.pdftoppmPath) };
        ({ pageCount, repairedPath } = await inspectOrRepair(upload.tempPath, tools, this.deps.inspectLimits));
        // A worker inspects (and repairs) the stored original again.
        if (queue && repairedPath) await fs.rm(repairedPath, { force: true });
      }
      if (queue) priority = await this.queueRoom(upload.senderId);
      doc = newDocument(upload);
      await db.insertInto('documents').values(doc).execute();
    } catch (err) {
      release?.();
      if (repairedPath && !queue) await fs.rm(repairedPath, { force: true });
      throw err;
    }
    if (queue) this.track(this.handOver(doc, upload, priority));
    // Timed from the request's arrival when known, so `readyMs` is what the uploader waited.
    else
      this.track(
        this.process(doc, upload, {
          pageCount,
          repairedPath,
          release,
          acceptedAt: acceptedAt - (upload.receiveMs ?? 0),
        }),
      );
    return doc;
  }

  private track(work: Promise<void>): void {
    const job = work.finally(() => this.inFlight.delete(job));
    this.inFlight.add(job);
  }

  /** Queue mode: the original goes to the blob store and the job to the queue; a worker does the rest. */
  private async handOver(doc: DocumentRow, upload: Upload, priority: number): Promise<void> {
    try {
      await this.deps.blobs.putFile(blobKeys(doc.id).original, upload.tempPath, 'application/octet-stream');
      this.handedOver.add(doc.id);
      await this.deps.queue!.enqueue({ documentId: doc.id }, { priority });
    } catch (err) {
      this.handedOver.delete(doc.id);
      this.deps.logger.warn({ documentId: doc.id, err }, 'could not queue the document');
      // The blob store or Redis did not take it: our side, not the file's.
      await this.finish(doc, failedOutcome(doc.id, isAppError(err) ? err : converterUnavailable({ cause: err })));
    } finally {
      await fs.rm(upload.tempPath, { force: true });
    }
  }

  /** A queued job ended. A worker records its own outcome; a job that failed without one (its workers died) is
   * recorded here as interrupted, by whichever instance hears it first. The instance that queued it announces it. */
  private async queueEnded(documentId: string, failedReason: string | null): Promise<void> {
    const { db, blobs } = this.deps;
    let recorded: DocumentRow | null = null;
    if (failedReason !== null) {
      // The worker records the failure as it throws; give its write a moment to land first.
      await new Promise((r) => setTimeout(r, 2000).unref());
      recorded = await recordOutcome(db, blobs, documentId, failedOutcome(documentId, processingInterrupted()), {
        onlyProcessing: true,
      });
      if (recorded) this.deps.logger.warn({ documentId, failedReason }, 'queued conversion failed');
    }
    if (!this.handedOver.delete(documentId) && !recorded) return;
    const doc =
      recorded ?? (await db.selectFrom('documents').selectAll().where('id', '=', documentId).executeTakeFirst());
    if (doc) this.announce(doc);
  }

  /** Converts and stores, reports the document ready (or failed), then makes its thumbnail. */
  private async process(doc: DocumentRow, upload: Upload, o: ProcessOptions): Promise<void> {
    const { blobs, logger } = this.deps;
    const work = await fs.mkdtemp(path.join(this.deps.tmpDir, 'job-'));
    let outcome: Partial<DocumentRow>;
    let rendered: Rendered | null = null;
    let kept: string | null = null;
    // The original is stored while the conversion runs; the document is ready only once both are done.
    const storeStarted = Date.now();
    const storing = blobs
      .putFile(blobKeys(doc.id).original, upload.tempPath, 'application/octet-stream')
      .then(() => Date.now() - storeStarted);
    // Awaited below in every case (the temp file is removed only after); a failure there fails the document.
    storing.catch(() => {});
    try {
      rendered = await render(
        this.deps,
        {
          documentId: doc.id,
          format: upload.format,
          inputPath: upload.tempPath,
          pageCount: o.pageCount,
          // repairedPath: a damaged PDF upload's rebuilt copy, served in its place (the original is kept as uploaded).
          repairedPath: upload.format === 'pdf' ? o.repairedPath : undefined,
          owner: doc.sender_id,
          admitted: true,
          signal: this.abort.signal,
        },
        work,
      );
      o.release?.();
      rendered.steps.storeOriginalMs = await storing;
      outcome = rendered.outcome;
      kept = await this.keepForAfterReady(rendered.pdfPath);
    } catch (err) {
      logger.warn({ documentId: doc.id, format: doc.format, err }, 'document failed');
      outcome = failedOutcome(doc.id, err);
      rendered = null;
    } finally {
      o.release?.();
      await storing.catch(() => {});
      await fs.rm(work, { recursive: true, force: true });
      await fs.rm(upload.tempPath, { force: true });
      if (o.repairedPath) await fs.rm(o.repairedPath, { force: true });
    }
    // Reported ready (or failed) only once its temp files are gone.
    await this.finish(doc, outcome).catch((err: unknown) =>
      logger.error({ err, documentId: doc.id }, 'could not record the outcome'),
    );
    if (rendered && kept) await this.afterReady(doc, rendered, kept, o.acceptedAt, upload.receiveMs ?? null);
  }

  /** The stored PDF, moved out of the job's folder into one of its own for what is made after ready. */
  private async keepForAfterReady(pdfPath: string): Promise<string> {
    const root = afterReadyRoot(this.deps.tmpDir);
    await fs.mkdir(root, { recursive: true, mode: 0o700 });
    const dir = await fs.mkdtemp(path.join(root, 'job-'));
    const kept = path.join(dir, 'document.pdf');
    await fs.rename(pdfPath, kept);
    return kept;
  }

  /** The thumbnail and page-1 image of a ready document, then the ingest log line with every step's time. */
  private async afterReady(
    doc: DocumentRow,
    rendered: Rendered,
    pdfPath: string,
    acceptedAt: number,
    receiveMs: number | null,
  ): Promise<void> {
    const { logger, db, blobs } = this.deps;
    const readyMs = Date.now() - acceptedAt;
    const dir = path.dirname(pdfPath);
    let thumbnailMs: number | null = null;
    let firstPageMs: number | null = null;
    let pageThumbnailsMs: number | null = null;
    try {
      const pdf = { path: pdfPath, pageCount: Number(rendered.outcome.page_count ?? 0) };
      const after = await afterReady(this.deps, doc.id, pdf, dir, this.abort.signal);
      ({ thumbnailMs, firstPageMs, pageThumbnailsMs } = after);
      const row = await recordOutcome(db, blobs, doc.id, after.patch);
      if (row && (row.thumbnail_key || row.page_thumbnails))
        this.deps.bus.emit('document:updated', { senderId: row.sender_id, document: updateOf(row) });
    } catch (err) {
      logger.warn({ documentId: doc.id, err }, 'thumbnail not made');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
    logger.info(
      {
        documentId: doc.id,
        format: doc.format,
        pageCount: rendered.outcome.page_count,
        receiveMs,
        ...rendered.steps,
        readyMs,
        thumbnailMs,
        firstPageMs,
        pageThumbnailsMs,
        totalMs: Date.now() - acceptedAt,
      },
      'document ready',
    );
  }

  private async finish(doc: DocumentRow, patch: Partial<DocumentRow>): Promise<void> {
    const row = await recordOutcome(this.deps.db, this.deps.blobs, doc.id, patch);
    if (row) this.announce(row);
  }

  private announce(doc: DocumentRow): void {
    this.deps.bus.emit('document:updated', { senderId: doc.sender_id, document: updateOf(doc) });
    if (doc.status === 'ready' || doc.status === 'failed')
      this.deps.bus.emit('document:processed', {
        senderId: doc.sender_id,
        format: doc.format,
        status: doc.status,
        convertMs: doc.convert_ms === null ? null : Number(doc.convert_ms),
      });
  }

  /** At start, before any upload: documents left `processing` by the last stop are converted again from their
   * stored original, or marked failed; blobs no document owns (a crash mid-delete, a half-written copy) go. */
  async recover(): Promise<number> {
    const { db, blobs, queue } = this.deps;
    // With a queue other instances are at work on the same store: nothing of theirs is swept or taken over.
    if (queue) return this.requeue();
    await this.sweepOrphanBlobs();
    // Thumbnails a stop cut short are not made again: the documents are ready without one.
    await fs.rm(afterReadyRoot(this.deps.tmpDir), { recursive: true, force: true });
    const stuck = await db.selectFrom('documents').selectAll().where('status', '=', 'processing').execute();
    for (const doc of stuck) {
      const k = blobKeys(doc.id);
      if (!(await blobs.stat(k.original))) {
        const e = processingInterrupted();
        await this.finish(doc, { status: 'failed', error_code: e.code, error_message: e.publicMessage });
        continue;
      }
      const tempPath = path.join(this.deps.tmpDir, `recover-${doc.id}`);
      await pipeline(await blobs.read(k.original), createWriteStream(tempPath));
      const upload = {
        senderId: doc.sender_id,
        name: doc.name,
        tempPath,
        size: Number(doc.size_bytes),
        format: doc.format as DetectedFormat,
      };
      this.track(this.process(doc, upload, { pageCount: null, repairedPath: null, acceptedAt: Date.now() }));
    }
    return stuck.length;
  }

  /** Queue mode: documents processing with a stored original are queued again (a no-op for those still queued);
   * ones whose original never arrived, long ago, are failed. */
  private async requeue(): Promise<number> {
    const { db, blobs, queue } = this.deps;
    const stuck = await db.selectFrom('documents').selectAll().where('status', '=', 'processing').execute();
    let n = 0;
    for (const doc of stuck) {
      if (await blobs.stat(blobKeys(doc.id).original)) {
        this.handedOver.add(doc.id);
        await queue!.enqueue({ documentId: doc.id });
        n++;
      } else if (Date.now() - Date.parse(doc.created_at) > ORPHAN_AFTER_MS) {
        await this.finish(doc, failedOutcome(doc.id, processingInterrupted()));
        n++;
      }
    }
    return n;
  }

  private async sweepOrphanBlobs(): Promise<void> {
    const { db, blobs, logger } = this.deps;
    if (!blobs.list) return; // a store that cannot list (S3: its puts are atomic) is not swept
    const partial = (await blobs.removeIncomplete?.()) ?? 0;
    const known = new Set((await db.selectFrom('documents').select('id').execute()).map((d) => d.id));
    const orphans = (await blobs.list('docs/')).filter((key) => !known.has(key.split('/')[1] ?? ''));
    for (const key of orphans) await blobs.delete(key);
    if (partial || orphans.length) logger.info({ partial, orphans: orphans.length }, 'removed blobs no document owns');
  }

  /** Waits for in-flight documents up to the deadline, then aborts the rest (they end as failed). */
  async drain(deadlineMs: number): Promise<void> {
    const all = Promise.allSettled([...this.inFlight]);
    const timer = new Promise<'timeout'>((r) => setTimeout(r, deadlineMs, 'timeout').unref());
    if ((await Promise.race([all, timer])) === 'timeout') {
      this.abort.abort();
      await all;
    }
  }
}

interface ProcessOptions {
  pageCount: number | null;
  repairedPath: string | null;
  /** Gives back the conversion's admission, once the conversion is over. */
  release?: (() => void) | null;
  acceptedAt: number;
}

/** Where a ready document's PDF waits for its thumbnail: beside the temp folder, not in it. */
const afterReadyRoot = (tmpDir: string) => path.join(path.dirname(tmpDir), 'after-ready');

const updateOf = (doc: DocumentRow) => {
  const json = documentJson(doc);
  return { id: json.id, status: json.status, pageCount: json.pageCount };
};

function newDocument(upload: Upload): DocumentRow {
  const now = new Date().toISOString();
  return {
    id: newId('doc'),
    sender_id: upload.senderId,
    name: upload.name,
    format: upload.format,
    status: 'processing',
    page_count: null,
    size_bytes: upload.size,
    original_key: null,
    pdf_key: null,
    pdf_size: null,
    thumbnail_key: null,
    page_thumbnails: 0,
    error_code: null,
    error_message: null,
    convert_ms: null,
    content_hash: upload.contentHash ?? null,
    created_at: now,
    updated_at: now,
  };
}
