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
import { conversionFailed, conversionQueueFull, isAppError, processingInterrupted } from '../errors.ts';
import type { DomainEvents } from '../events.ts';
import type { Logger } from '../logger.ts';
import type { Converter } from './converter.ts';
import { inspectPdf } from './pdf-inspect.ts';
import { inspectOrRepair, pdftocairoBeside } from './pdf-repair.ts';
import { postprocessPdf } from './postprocess.ts';
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

const keys = (id: string) => ({
  original: `docs/${id}/original`,
  pdf: `docs/${id}/document.pdf`,
  thumb: `docs/${id}/thumbnail.png`,
});

export class Ingest {
  private readonly deps: IngestDeps;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();

  constructor(deps: IngestDeps) {
    this.deps = deps;
  }

  /** Validates what can be validated at once, records the document, and processes the rest in the background. */
  async accept(upload: Upload): Promise<DocumentRow> {
    const { db, converter, queueMax } = this.deps;
    let pageCount: number | null = null;
    let repairedPath: string | null = null;
    if (upload.format === 'pdf') {
      const tools = { qpdfPath: this.deps.qpdfPath, pdftocairoPath: pdftocairoBeside(this.deps.pdftoppmPath) };
      ({ pageCount, repairedPath } = await inspectOrRepair(upload.tempPath, tools));
    } else if (converter.status().queued >= queueMax) {
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
    this.track(doc, upload, pageCount, repairedPath);
    return doc;
  }

  private track(doc: DocumentRow, upload: Upload, pageCount: number | null, repairedPath: string | null = null): void {
    const job = this.process(doc, upload, pageCount, repairedPath).finally(() => this.inFlight.delete(job));
    this.inFlight.add(job);
  }

  /** repairedPath: a damaged PDF upload's rebuilt copy, served in its place (the original is kept as uploaded). */
  private async process(
    doc: DocumentRow,
    upload: Upload,
    knownPages: number | null,
    repairedPath: string | null,
  ): Promise<void> {
    const { blobs, converter, logger } = this.deps;
    const started = Date.now();
    const k = keys(doc.id);
    const work = await fs.mkdtemp(path.join(this.deps.tmpDir, 'job-'));
    let outcome: Partial<DocumentRow>;
    try {
      await blobs.putFile(k.original, upload.tempPath, 'application/octet-stream');
      let pdfPath = repairedPath ?? upload.tempPath;
      let pages = knownPages;
      if (upload.format !== 'pdf') {
        const out = path.join(work, 'out');
        await fs.mkdir(out);
        pdfPath = await converter.convert({
          inputPath: upload.tempPath,
          format: upload.format,
          outputDir: out,
          signal: this.abort.signal,
          onPdf: (info) => (pages = info.pageCount),
        });
      }
      const pageCount = pages ?? (await inspectPdf(pdfPath)).pageCount;
      const post = await postprocessPdf(pdfPath, work, {
        qpdfPath: this.deps.qpdfPath,
        pdftoppmPath: this.deps.pdftoppmPath,
        signal: this.abort.signal,
      });
      const info = await blobs.putFile(k.pdf, post.pdfPath, 'application/pdf');
      if (post.thumbnailPath) await blobs.putFile(k.thumb, post.thumbnailPath, 'image/png');
      const convertMs = Date.now() - started;
      outcome = {
        status: 'ready',
        page_count: pageCount,
        original_key: k.original,
        pdf_key: k.pdf,
        pdf_size: info.size,
        thumbnail_key: post.thumbnailPath ? k.thumb : null,
        convert_ms: convertMs,
      };
      logger.info({ documentId: doc.id, format: doc.format, pageCount, convertMs }, 'document ready');
    } catch (err) {
      const e = isAppError(err) ? err : conversionFailed({ cause: err });
      logger.warn({ documentId: doc.id, format: doc.format, err }, 'document failed');
      outcome = { status: 'failed', original_key: k.original, error_code: e.code, error_message: e.publicMessage };
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
    const updated_at = new Date().toISOString();
    const res = await this.deps.db
      .updateTable('documents')
      .set({ ...patch, updated_at })
      .where('id', '=', doc.id)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) {
      // Deleted while processing: drop what was stored for it.
      const k = keys(doc.id);
      for (const key of [k.original, k.pdf, k.thumb]) await this.deps.blobs.delete(key);
      return;
    }
    const json = documentJson({ ...doc, ...patch, updated_at });
    this.deps.bus.emit('document:updated', {
      senderId: doc.sender_id,
      document: { id: json.id, status: json.status, pageCount: json.pageCount },
    });
  }

  /** At start, before any upload: documents left `processing` by the last stop are converted again from their
   * stored original, or marked failed; blobs no document owns (a crash mid-delete, a half-written copy) go. */
  async recover(): Promise<number> {
    const { db, blobs } = this.deps;
    await this.sweepOrphanBlobs();
    const stuck = await db.selectFrom('documents').selectAll().where('status', '=', 'processing').execute();
    for (const doc of stuck) {
      const k = keys(doc.id);
      if (!(await blobs.stat(k.original))) {
        const e = processingInterrupted();
        await this.finish(doc, { status: 'failed', error_code: e.code, error_message: e.publicMessage });
        continue;
      }
      const tempPath = path.join(this.deps.tmpDir, `recover-${doc.id}`);
      await pipeline(await blobs.read(k.original), createWriteStream(tempPath));
      this.track(
        doc,
        {
          senderId: doc.sender_id,
          name: doc.name,
          tempPath,
          size: Number(doc.size_bytes),
          format: doc.format as DetectedFormat,
        },
        null,
      );
    }
    return stuck.length;
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
