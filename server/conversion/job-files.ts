// Per-job scratch directories and output validation, shared by both adapters.
import fs from 'node:fs/promises';
import path from 'node:path';
import { AppError, conversionFailed } from '../errors.ts';
import type { ConvertJob } from './converter.ts';
import { inspectPdf, type PdfInfo } from './pdf-inspect.ts';

/** Runs fn with a private, empty directory holding a copy of the input; the directory is gone afterwards. */
export async function withJobDir<T>(
  root: string,
  job: ConvertJob,
  fn: (dir: string, input: string) => Promise<T>,
): Promise<T> {
  await fs.mkdir(root, { recursive: true, mode: 0o700 });
  const dir = await fs.mkdtemp(path.join(root, 'job-'));
  try {
    // A fixed name with the declared extension: the uploaded name is never passed to LibreOffice.
    const input = path.join(dir, `input.${job.format}`);
    await fs.copyFile(job.inputPath, input);
    return await fn(dir, input);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Accepts a produced PDF only if pdf.js parses it and finds pages, then copies it into the job's outputDir and
 * tells the job what it found. */
export async function acceptPdf(producedPath: string, job: ConvertJob): Promise<string> {
  let info: PdfInfo;
  try {
    info = await inspectPdf(producedPath, job.inspectLimits);
  } catch (err) {
    // Too many pages or too costly to check: the same refusal as for an uploaded PDF.
    if (err instanceof AppError && (err.code === 'pdf_too_many_pages' || err.code === 'pdf_too_complex')) throw err;
    throw conversionFailed({ cause: err });
  }
  job.onPdf?.(info);
  const dest = path.join(job.outputDir, 'out.pdf');
  await fs.copyFile(producedPath, dest);
  return dest;
}

export function asAppError(err: unknown): AppError {
  return err instanceof AppError ? err : conversionFailed({ cause: err });
}
