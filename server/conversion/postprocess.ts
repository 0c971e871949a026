// After a PDF is accepted: linearise it for fast first-page web view (qpdf) and render a small first-page
// thumbnail (pdftoppm). Each step is skipped, not fatal, when its tool is absent or fails.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Postprocessed {
  pdfPath: string;
  thumbnailPath: string | null;
}

export interface PostprocessOptions {
  qpdfPath: string;
  pdftoppmPath?: string;
  /** Longest side of the thumbnail in pixels. */
  thumbnailSize?: number;
  signal?: AbortSignal;
}

export async function postprocessPdf(pdfPath: string, workDir: string, opts: PostprocessOptions): Promise<Postprocessed> {
  const linear = await linearize(pdfPath, workDir, opts);
  const thumbnailPath = await thumbnail(linear, workDir, opts);
  return { pdfPath: linear, thumbnailPath };
}

async function linearize(pdfPath: string, workDir: string, opts: PostprocessOptions): Promise<string> {
  const linear = path.join(workDir, 'linear.pdf');
  try {
    await run(opts.qpdfPath, ['--linearize', '--', pdfPath, linear], { signal: opts.signal, timeout: 60_000 });
    return linear;
  } catch (err) {
    // qpdf exits 3 for warnings but still writes a usable file; anything else keeps the original.
    if ((err as { code?: unknown }).code === 3) return linear;
    return pdfPath;
  }
}

async function thumbnail(pdfPath: string, workDir: string, opts: PostprocessOptions): Promise<string | null> {
  const base = path.join(workDir, 'thumbnail'); // -singlefile: pdftoppm writes exactly base + '.png'
  const size = String(opts.thumbnailSize ?? 320);
  try {
    await run(opts.pdftoppmPath ?? 'pdftoppm', ['-png', '-f', '1', '-l', '1', '-scale-to', size, '-singlefile', '--', pdfPath, base],
      { signal: opts.signal, timeout: 30_000 });
    const png = `${base}.png`;
    await fs.access(png);
    return png;
  } catch {
    return null;
  }
}
