// After a PDF is accepted: linearise it for fast first-page web view (qpdf), when qpdf is present.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Postprocessed {
  pdfPath: string;
  thumbnailPath: string | null;
}

export async function postprocessPdf(pdfPath: string, workDir: string, opts: { qpdfPath: string; signal?: AbortSignal }): Promise<Postprocessed> {
  const linear = path.join(workDir, 'linear.pdf');
  try {
    await run(opts.qpdfPath, ['--linearize', '--', pdfPath, linear], { signal: opts.signal, timeout: 60_000 });
    return { pdfPath: linear, thumbnailPath: null };
  } catch (err) {
    // qpdf exits 3 for warnings but still writes a usable file; anything else keeps the original.
    if ((err as { code?: unknown }).code === 3) return { pdfPath: linear, thumbnailPath: null };
    return { pdfPath, thumbnailPath: null };
  }
}
