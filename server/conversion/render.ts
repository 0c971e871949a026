// The part of ingest shared by a web process converting itself and a queue worker: from an original on disk to a
// stored PDF (and thumbnail), and the document's outcome recorded. Nothing here knows who called it.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { BlobStore } from '../../storage/blobs/blob-store.ts';
import type { Db, DocumentRow } from '../../storage/db/index.ts';
import { conversionFailed, isAppError } from '../errors.ts';
import type { Converter } from './converter.ts';
import { inspectPdf } from './pdf-inspect.ts';
import { inspectOrRepair, pdftocairoBeside } from './pdf-repair.ts';
import { postprocessPdf } from './postprocess.ts';
import type { DetectedFormat } from './sniff.ts';

export const blobKeys = (id: string) => ({
  original: `docs/${id}/original`,
  pdf: `docs/${id}/document.pdf`,
  thumb: `docs/${id}/thumbnail.png`,
});

export interface RenderDeps {
  blobs: BlobStore;
  converter: Converter;
  qpdfPath: string;
  pdftoppmPath: string;
}

export interface RenderInput {
  documentId: string;
  format: DetectedFormat;
  inputPath: string;
  /** Known from an upload's inspection; read from the PDF otherwise. */
  pageCount?: number | null;
  /** A damaged PDF's rebuilt copy, served in its place; `undefined`: a PDF is inspected (and repaired) here. */
  repairedPath?: string | null;
  signal: AbortSignal;
}

export type Outcome = Partial<DocumentRow>;

/** Converts (Office) or inspects (PDF), packs and thumbnails, stores; the ready outcome. `work` is the caller's
 * temp directory, removed by the caller. */
export async function render(d: RenderDeps, input: RenderInput, work: string): Promise<Outcome> {
  const started = Date.now();
  const k = blobKeys(input.documentId);
  let pdfPath = input.inputPath;
  let pages = input.pageCount ?? null;
  /** A rebuilt copy made here, removed here. */
  let ownRepair: string | null = null;
  try {
    if (input.format === 'pdf') {
      let repaired = input.repairedPath;
      if (repaired === undefined) {
        const tools = { qpdfPath: d.qpdfPath, pdftocairoPath: pdftocairoBeside(d.pdftoppmPath) };
        ({ pageCount: pages, repairedPath: repaired } = await inspectOrRepair(input.inputPath, tools));
        ownRepair = repaired;
      }
      pdfPath = repaired ?? input.inputPath;
    } else {
      const out = path.join(work, 'out');
      await fs.mkdir(out);
      pdfPath = await d.converter.convert({
        inputPath: input.inputPath,
        format: input.format,
        outputDir: out,
        signal: input.signal,
        onPdf: (info) => (pages = info.pageCount),
      });
    }
    const pageCount = pages ?? (await inspectPdf(pdfPath)).pageCount;
    const post = await postprocessPdf(pdfPath, work, {
      qpdfPath: d.qpdfPath,
      pdftoppmPath: d.pdftoppmPath,
      signal: input.signal,
    });
    const info = await d.blobs.putFile(k.pdf, post.pdfPath, 'application/pdf');
    if (post.thumbnailPath) await d.blobs.putFile(k.thumb, post.thumbnailPath, 'image/png');
    return {
      status: 'ready',
      page_count: pageCount,
      original_key: k.original,
      pdf_key: k.pdf,
      pdf_size: info.size,
      thumbnail_key: post.thumbnailPath ? k.thumb : null,
      convert_ms: Date.now() - started,
    };
  } finally {
    if (ownRepair) await fs.rm(ownRepair, { force: true });
  }
}

/** The failed outcome for an error: its own code when it is one of ours, else conversion_failed. */
export function failedOutcome(documentId: string, err: unknown): Outcome {
  const e = isAppError(err) ? err : conversionFailed({ cause: err });
  return {
    status: 'failed',
    original_key: blobKeys(documentId).original,
    error_code: e.code,
    error_message: e.publicMessage,
  };
}

/** Writes the outcome; false when the document was deleted meanwhile (what was stored for it is removed).
 * `onlyProcessing`: leave a document that already has an outcome alone (a queue's late or repeated answer). */
export async function recordOutcome(
  db: Db,
  blobs: BlobStore,
  documentId: string,
  patch: Outcome,
  opts: { onlyProcessing?: boolean } = {},
): Promise<DocumentRow | null> {
  const updated_at = new Date().toISOString();
  let q = db
    .updateTable('documents')
    .set({ ...patch, updated_at })
    .where('id', '=', documentId);
  if (opts.onlyProcessing) q = q.where('status', '=', 'processing');
  const res = await q.executeTakeFirst();
  if (Number(res.numUpdatedRows) > 0)
    return (await db.selectFrom('documents').selectAll().where('id', '=', documentId).executeTakeFirst()) ?? null;
  const exists = await db.selectFrom('documents').select('id').where('id', '=', documentId).executeTakeFirst();
  if (!exists) {
    const k = blobKeys(documentId);
    for (const key of [k.original, k.pdf, k.thumb]) await blobs.delete(key);
  }
  return null;
}
