// After a PDF is accepted: pack its small objects into object streams (qpdf), remove its active content (scripts,
// launch actions, embedded files; active-content.ts) and render a small first-page thumbnail (pdftoppm). Packing
// and the thumbnail are skipped, not fatal, when their tool is absent or fails; active content is always removed.
//
// Why object streams rather than linearisation: pdf.js checks the last page before showing the first, which walks
// the page tree. In a linearised file every page dictionary sits beside that page's content, so on a big file the
// reader fetched most of it (300 pages, 49 MB: 302 range requests, 37.7 MB) before page 1. Packed into object
// streams, the page dictionaries come in a few requests (same file: 4 requests, 0.26 MB); linearised with object
// streams as well, it was as slow as linearised alone (305 requests, 38 MB). See tests/bench/first-page.bench.ts.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { hasActiveContent, neutraliseActiveContent } from './active-content.ts';
import { scanPdfFile } from './active-scan.ts';
import { pdftocairoBeside } from './pdf-repair.ts';
import { runInBackground } from './background-run.ts';

const run = promisify(execFile);

export interface Postprocessed {
  pdfPath: string;
  /** Milliseconds spent packing and removing active content, and how the latter was decided. */
  times: { packMs: number; sanitizeMs: number; scan: 'inactive' | 'full' };
  /** Only when asked for (`thumbnail: true`); ingest makes it after the document is ready (makeThumbnail). */
  thumbnailPath: string | null;
}

export interface PostprocessOptions {
  qpdfPath: string;
  pdftoppmPath?: string;
  /** Longest side of the thumbnail in pixels. */
  thumbnailSize?: number;
  /** A PDF LibreOffice wrote (not an upload): when a scan of its bytes finds nothing active, qpdf's pass is skipped. */
  trusted?: boolean;
  /** Files of at most this many bytes are not packed (default PACK_ABOVE_BYTES). */
  packAboveBytes?: number;
  /** Also render the thumbnail (default true); false leaves it for makeThumbnail once the document is ready. */
  thumbnail?: boolean;
  signal?: AbortSignal;
}

/** A PDF this small is fetched by the reader in a request or two whatever its layout: packing it gains nothing. */
export const PACK_ABOVE_BYTES = 384 * 1024;

export async function postprocessPdf(
  pdfPath: string,
  workDir: string,
  opts: PostprocessOptions,
): Promise<Postprocessed> {
  const thumbnail = async (p: string) => (opts.thumbnail === false ? null : await makeThumbnail(p, workDir, opts));
  let t = Date.now();
  const neutralise = {
    qpdfPath: opts.qpdfPath,
    pdftocairoPath: pdftocairoBeside(opts.pdftoppmPath ?? 'pdftoppm'),
    signal: opts.signal,
  };
  const inactive = opts.trusted === true && (await scanPdfFile(pdfPath)) === 'inactive';
  const scan = inactive ? ('inactive' as const) : ('full' as const);
  // A small file with nothing active is kept as it is: no qpdf at all when the scan cleared it, else one read
  // instead of a rewrite and a read.
  const small = (await fs.stat(pdfPath)).size <= (opts.packAboveBytes ?? PACK_ABOVE_BYTES);
  if (small && (inactive || !(await hasActiveContent(pdfPath, neutralise)))) {
    const times = { packMs: 0, sanitizeMs: Date.now() - t, scan };
    return { pdfPath, times, thumbnailPath: await thumbnail(pdfPath) };
  }
  t = Date.now();
  const compact = await compactObjects(pdfPath, workDir, opts);
  const packMs = Date.now() - t;
  // After packing: qpdf's rewrite gives a file whose objects --update-from-json reliably replaces (in some files
  // with several revisions an update of the original's objects was silently not applied).
  t = Date.now();
  const safe = inactive ? { pdfPath: compact } : await neutraliseActiveContent(compact, workDir, neutralise);
  const times = { packMs, sanitizeMs: Date.now() - t, scan };
  return { pdfPath: safe.pdfPath, times, thumbnailPath: await thumbnail(safe.pdfPath) };
}

async function compactObjects(pdfPath: string, workDir: string, opts: PostprocessOptions): Promise<string> {
  const out = path.join(workDir, 'compact.pdf');
  try {
    await run(opts.qpdfPath, ['--object-streams=generate', '--', pdfPath, out], {
      signal: opts.signal,
      timeout: 60_000,
    });
    return out;
  } catch (err) {
    // qpdf exits 3 for warnings: it repaired a damaged input as it read it. The packed file is usually fine, but for
    // some damaged inputs its cross-reference stream is not (a file no reader opens), so it is kept only when it
    // reads back without a warning. Anything else keeps the original.
    if ((err as { code?: unknown }).code === 3 && (await readsCleanly(out, opts))) return out;
    return pdfPath;
  }
}

async function readsCleanly(pdfPath: string, opts: PostprocessOptions): Promise<boolean> {
  try {
    await run(opts.qpdfPath, ['--show-npages', '--', pdfPath], { signal: opts.signal, timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

/** The first page as a small PNG in workDir, or null when pdftoppm is absent or fails. */
export async function makeThumbnail(
  pdfPath: string,
  workDir: string,
  opts: Pick<PostprocessOptions, 'pdftoppmPath' | 'thumbnailSize' | 'signal'>,
): Promise<string | null> {
  const size = String(opts.thumbnailSize ?? 320);
  return renderPageOne(pdfPath, path.join(workDir, 'thumbnail'), 'png', ['-png', '-scale-to', size], opts);
}

/** Width of the page-1 image the reader paints before pdf.js has drawn the page: a Letter or A4 portrait page at
 * the reader's widest automatic zoom (125 %), which also covers a phone's 375 CSS px at 2-3 device pixels each. */
export const FIRST_PAGE_WIDTH = 1020;

/** Page 1 as a progressive JPEG FIRST_PAGE_WIDTH wide, for the reader to paint at once; null when it cannot be made. */
export function makeFirstPageImage(
  pdfPath: string,
  workDir: string,
  opts: Pick<PostprocessOptions, 'pdftoppmPath' | 'signal'>,
): Promise<string | null> {
  const jpeg = ['-jpeg', '-jpegopt', 'quality=72,progressive=y,optimize=y'];
  const size = ['-scale-to-x', String(FIRST_PAGE_WIDTH), '-scale-to-y', '-1'];
  return renderPageOne(pdfPath, path.join(workDir, 'first-page'), 'jpg', [...jpeg, ...size], opts);
}

/** pdftoppm's rendering of page 1 to `base.ext` (-singlefile writes exactly that name), or null. */
async function renderPageOne(
  pdfPath: string,
  base: string,
  ext: string,
  format: string[],
  opts: Pick<PostprocessOptions, 'pdftoppmPath' | 'signal'>,
): Promise<string | null> {
  try {
    const args = [...format, '-f', '1', '-l', '1', '-singlefile', '--', pdfPath, base];
    await runInBackground(opts.pdftoppmPath ?? 'pdftoppm', args, { signal: opts.signal, timeout: 30_000 });
    const out = `${base}.${ext}`;
    await fs.access(out);
    return out;
  } catch {
    return null;
  }
}
