// The part of ingest shared by a web process converting itself and a queue worker: from an original on disk to a
// stored PDF, the document's outcome recorded, then the thumbnail. Nothing here knows who called it.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { BlobStore } from '../../storage/blobs/blob-store.ts';
import type { Db, DocumentRow } from '../../storage/db/index.ts';
import { conversionFailed, isAppError } from '../errors.ts';
import type { Converter, OfficeFormat } from './converter.ts';
import { type InspectLimits, inspectPdf } from './pdf-inspect.ts';
import { inspectOrRepair, pdftocairoBeside } from './pdf-repair.ts';
import { makeFirstPageImage, makeThumbnail, postprocessPdf } from './postprocess.ts';
import type { DetectedFormat } from './sniff.ts';
import { firstPageKey, removePageThumbnails } from '../documents/documents.ts';
import { makePageThumbnails } from './page-thumbnails.ts';

export const blobKeys = (id: string) => ({
  original: `docs/${id}/original`,
  pdf: `docs/${id}/document.pdf`,
  thumb: `docs/${id}/thumbnail.png`,
  /** Page 1 as an image for the reader (served under the file's checks; no column: present or not). */
  firstPage: firstPageKey(id),
});

export interface RenderDeps {
  blobs: BlobStore;
  converter: Converter;
  qpdfPath: string;
  pdftoppmPath: string;
  /** PAGE_THUMBNAILS_MAX: pages 1..n get a small thumbnail after ready. */
  pageThumbnailsMax: number;
  /** PDF_MAX_PAGES and PDF_INSPECT_TIMEOUT_MS. */
  inspectLimits: InspectLimits;
}

export interface RenderInput {
  documentId: string;
  format: DetectedFormat;
  inputPath: string;
  /** Known from an upload's inspection; read from the PDF otherwise. */
  pageCount?: number | null;
  /** A damaged PDF's rebuilt copy, served in its place; `undefined`: a PDF is inspected (and repaired) here. */
  repairedPath?: string | null;
  /** Whose document it is: the converter shares its pool fairly between owners. */
  owner?: string;
  /** Admission was decided by the caller (ingest): the converter's own queue bound does not apply. */
  admitted?: boolean;
  signal: AbortSignal;
}

export type Outcome = Partial<DocumentRow>;

/** Milliseconds per step, for the ingest log line. */
export interface StepTimes {
  /** Storing the original upload (ingest does it while the conversion runs; null where the caller did not). */
  storeOriginalMs?: number | null;
  convertMs: number | null;
  inspectMs: number | null;
  /** Packing small objects into object streams (qpdf); 0 when skipped. */
  packMs: number;
  /** Checking for and removing active content; `scan` says how it was decided. */
  sanitizeMs: number;
  scan: 'inactive' | 'full';
  storePdfMs: number;
}

export interface Rendered {
  /** The ready outcome, to record at once. */
  outcome: Outcome;
  /** The stored PDF on local disk (inside `work`), for what is made after ready (the thumbnail). */
  pdfPath: string;
  steps: StepTimes;
}

/** Converts (Office) or inspects (PDF), packs and removes active content, stores the PDF: what `ready` needs, and
 * nothing more (the thumbnail comes after, see afterReady). `work` is the caller's temp directory. */
export async function render(d: RenderDeps, input: RenderInput, work: string): Promise<Rendered> {
  const started = Date.now();
  const k = blobKeys(input.documentId);
  /** A rebuilt copy made here, removed here. */
  let ownRepair: string | null = null;
  const steps: StepTimes = { convertMs: null, inspectMs: null, packMs: 0, sanitizeMs: 0, scan: 'full', storePdfMs: 0 };
  try {
    let pdfPath = input.inputPath;
    let pages = input.pageCount ?? null;
    if (input.format === 'pdf') {
      let repaired = input.repairedPath;
      if (repaired === undefined) {
        const t = Date.now();
        const tools = { qpdfPath: d.qpdfPath, pdftocairoPath: pdftocairoBeside(d.pdftoppmPath) };
        ({ pageCount: pages, repairedPath: repaired } = await inspectOrRepair(input.inputPath, tools, d.inspectLimits));
        ownRepair = repaired;
        steps.inspectMs = Date.now() - t;
      }
      pdfPath = repaired ?? input.inputPath;
    } else {
      ({ pdfPath, pages } = await convert(d, input, work, steps));
    }
    if (pages === null) {
      const info = await inspectPdf(pdfPath, d.inspectLimits);
      pages = info.pageCount;
      steps.inspectMs = info.inspectMs ?? null;
    }
    const post = await postprocessPdf(pdfPath, work, {
      qpdfPath: d.qpdfPath,
      pdftoppmPath: d.pdftoppmPath,
      thumbnail: false,
      // LibreOffice's own output may be cleared by a scan of its bytes; an uploaded PDF always gets qpdf's pass.
      trusted: input.format !== 'pdf',
      signal: input.signal,
    });
    Object.assign(steps, post.times);
    const t = Date.now();
    const info = await d.blobs.putFile(k.pdf, post.pdfPath, 'application/pdf');
    steps.storePdfMs = Date.now() - t;
    const outcome: Outcome = {
      status: 'ready',
      page_count: pages,
      original_key: k.original,
      pdf_key: k.pdf,
      pdf_size: info.size,
      thumbnail_key: null,
      convert_ms: Date.now() - started,
    };
    return { outcome, pdfPath: post.pdfPath, steps };
  } finally {
    if (ownRepair) await fs.rm(ownRepair, { force: true });
  }
}

async function convert(
  d: RenderDeps,
  input: RenderInput,
  work: string,
  steps: StepTimes,
): Promise<{ pdfPath: string; pages: number | null }> {
  const out = path.join(work, 'out');
  await fs.mkdir(out);
  let pages: number | null = null;
  const t = Date.now();
  const pdfPath = await d.converter.convert({
    inputPath: input.inputPath,
    format: input.format as OfficeFormat,
    outputDir: out,
    signal: input.signal,
    owner: input.owner,
    admitted: input.admitted,
    inspectLimits: d.inspectLimits,
    onPdf: (info) => {
      pages = info.pageCount;
      steps.inspectMs = info.inspectMs ?? null;
    },
  });
  steps.convertMs = Date.now() - t - (steps.inspectMs ?? 0);
  return { pdfPath, pages };
}

/** After the document is ready (and viewable): its first-page thumbnail, the reader's page-1 image and the per-page
 * thumbnails, made from the stored PDF and stored; the patch to record. Never fails the document. */
export async function afterReady(
  d: Pick<RenderDeps, 'blobs' | 'pdftoppmPath' | 'pageThumbnailsMax'>,
  documentId: string,
  pdf: { path: string; pageCount: number },
  work: string,
  signal?: AbortSignal,
): Promise<{ patch: Outcome; thumbnailMs: number; firstPageMs: number; pageThumbnailsMs: number }> {
  let t = Date.now();
  const k = blobKeys(documentId);
  const thumb = await makeThumbnail(pdf.path, work, { pdftoppmPath: d.pdftoppmPath, signal });
  if (thumb) await d.blobs.putFile(k.thumb, thumb, 'image/png');
  const thumbnailMs = Date.now() - t;
  t = Date.now();
  // The reader's page-1 image; a document without one is simply drawn by pdf.js.
  const page1 = await makeFirstPageImage(pdf.path, work, { pdftoppmPath: d.pdftoppmPath, signal });
  if (page1) await d.blobs.putFile(k.firstPage, page1, 'image/jpeg');
  const firstPageMs = Date.now() - t;
  t = Date.now();
  const pages = await makePageThumbnails(d, documentId, pdf.path, pdf.pageCount, work, signal);
  // Always a patch to record: recording it is also what removes these images if the document was deleted meanwhile.
  return {
    patch: { thumbnail_key: thumb ? k.thumb : null, page_thumbnails: pages },
    thumbnailMs,
    firstPageMs,
    pageThumbnailsMs: Date.now() - t,
  };
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
    for (const key of Object.values(blobKeys(documentId))) await blobs.delete(key);
    await removePageThumbnails(blobs, documentId, Number(patch.page_thumbnails ?? 0));
  }
  return null;
}
