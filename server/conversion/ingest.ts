// From an accepted upload to a stored, ready PDF: convert (Office) -> inspect -> compact/thumbnail -> store.
// Runs in the background after the upload has been answered; in-flight jobs are drained on shutdown.
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from '../../storage/blobs/blob-store.ts';
import type { Db, DocumentRow } from '../../storage/db/index.ts';
import { newId } from '../ids.ts';
import { documentJson } from '../documents/documents.ts';
import { conversionQueueFull, converterUnavailable, isAppError, processingInterrupted } from '../errors.ts';
import type { DomainEvents } from '../events.ts';
import type { Logger } from '../logger.ts';
import type { Converter } from './converter.ts';
import { inspectOrRepair, pdftocairoBeside } from './pdf-repair.ts';
import type { ConversionQueue } from './queue.ts';
import { blobKeys, failedOutcome, recordOutcome, render } from './render.ts';
import type { DetectedFormat } from './sniff.ts';

export interface IngestDeps {
  db: Db;
  blobs: BlobStore;
  converter: Converter;
  logger: Logger;
  tmpDir: string;
  qpdfPath: string;
  pdftoppmPath: string;
  queueMax: number;
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

  constructor(deps: IngestDeps) {
    this.deps = deps;
    deps.queue?.onEnded((documentId, failedReason) => {
      this.queueEnded(documentId, failedReason).catch((err: unknown) =>
        deps.logger.error({ err, documentId }, 'could not record a queued conversion'),
      );
    });
  }

  private async full(): Promise<boolean> {
    const { queue, converter, queueMax } = this.deps;
    return queue ? (await queue.waiting()) >= queueMax : converter.status().queued >= queueMax;
  }

  /** Validates what can be validated at once, records the document, and processes the rest in the background. */
  async accept(upload: Upload): Promise<DocumentRow> {
    const { db, queue } = this.deps;
    let pageCount: number | null = null;
    let repairedPath: string | null = null;
    if (upload.format === 'pdf') {
      const tools = { qpdfPath: this.deps.qpdfPath, pdftocairoPath: pdftocairoBeside(this.deps.pdftoppmPath) };
      ({ pageCount, repairedPath } = await inspectOrRepair(upload.tempPath, tools));
      // A worker inspects (and repairs) the stored original again.
      if (queue && repairedPath) await fs.rm(repairedPath, { force: true });
    } else if (await this.full()) {
      throw conversionQueueFull();
    }
    const now = new Date().toISOString();
    const doc: DocumentRow = {
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
      error_code: null,
      error_message: null,
      convert_ms: null,
      content_hash: upload.contentHash ?? null,
      created_at: now,
      updated_at: now,
    };
    await db.insertInto('documents').values(doc).execute();
    if (queue) this.track(this.handOver(doc, upload));
    else this.track(this.process(doc, upload, pageCount, repairedPath));
    return doc;
  }

  private track(work: Promise<void>): void {
    const job = work.finally(() => this.inFlight.delete(job));
    this.inFlight.add(job);
  }

  /** Queue mode: the original goes to the blob store and the job to the queue; a worker does the rest. */
  private async handOver(doc: DocumentRow, upload: Upload): Promise<void> {
    try {
      await this.deps.blobs.putFile(blobKeys(doc.id).original, upload.tempPath, 'application/octet-stream');
      this.handedOver.add(doc.id);
      await this.deps.queue!.enqueue({ documentId: doc.id });
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

  /** repairedPath: a damaged PDF upload's rebuilt copy, served in its place (the original is kept as uploaded). */
  private async process(
    doc: DocumentRow,
    upload: Upload,
    knownPages: number | null,
    repairedPath: string | null,
  ): Promise<void> {
    const { blobs, logger } = this.deps;
    const work = await fs.mkdtemp(path.join(this.deps.tmpDir, 'job-'));
    let outcome: Partial<DocumentRow>;
    try {
      await blobs.putFile(blobKeys(doc.id).original, upload.tempPath, 'application/octet-stream');
      outcome = await render(
        this.deps,
        {
          documentId: doc.id,
          format: upload.format,
          inputPath: upload.tempPath,
          pageCount: knownPages,
          repairedPath: upload.format === 'pdf' ? repairedPath : undefined,
          signal: this.abort.signal,
        },
        work,
      );
      logger.info(
        { documentId: doc.id, format: doc.format, pageCount: outcome.page_count, convertMs: outcome.convert_ms },
        'document ready',
      );
    } catch (err) {
      logger.warn({ documentId: doc.id, format: doc.format, err }, 'document failed');
      outcome = failedOutcome(doc.id, err);
    } finally {
      await fs.rm(work, { recursive: true, force: true });
      await fs.rm(upload.tempPath, { force: true });
      if (repairedPath) await fs.rm(repairedPath, { force: true });
    }
    // Reported ready (or failed) only once its temp files are gone.
    await this.finish(doc, outcome).catch((err: unknown) =>
      logger.error({ err, documentId: doc.id }, 'could not record the outcome'),
    );
  }

  private async finish(doc: DocumentRow, patch: Partial<DocumentRow>): Promise<void> {
    const row = await recordOutcome(this.deps.db, this.deps.blobs, doc.id, patch);
    if (row) this.announce(row);
  }

  private announce(doc: DocumentRow): void {
    const json = documentJson(doc);
    this.deps.bus.emit('document:updated', {
      senderId: doc.sender_id,
      document: { id: json.id, status: json.status, pageCount: json.pageCount },
    });
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
      this.track(this.process(doc, upload, null, null));
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
