// A PDF that pdf.js refuses as damaged (no xref, a loop in the page tree, a fuzzed object) often opens in viewers
// that rebuild it on the fly. It is rebuilt once here: qpdf first (it keeps the file's structure, text and links);
// if pdf.js still refuses that, poppler's pdftocairo redraws every page poppler can read into a new file (a page
// tree with a loop, which qpdf copies as it is). The rebuild is checked like any upload and served in place of the
// damaged file; only when both fail is the upload refused.
import path from 'node:path';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { promisify } from 'node:util';
import { AppError } from '../errors.ts';
import { DEFAULT_INSPECT_LIMITS, type InspectLimits, inspectPdf, type PdfInfo } from './pdf-inspect.ts';

const run = promisify(execFile);

export interface CheckedPdf extends PdfInfo {
  /** The rebuilt file to serve instead of the upload (beside it, named `<upload>.repaired.pdf`), or null. */
  repairedPath: string | null;
}

export interface RepairTools {
  qpdfPath: string;
  /** pdftocairo; by default the one beside pdftoppm (both come with poppler-utils). */
  pdftocairoPath: string;
}

/** pdftocairo from the same poppler as the configured pdftoppm. */
export function pdftocairoBeside(pdftoppmPath: string): string {
  return pdftoppmPath.includes(path.sep) ? path.join(path.dirname(pdftoppmPath), 'pdftocairo') : 'pdftocairo';
}

export async function inspectOrRepair(
  file: string,
  tools: RepairTools,
  limits: InspectLimits = DEFAULT_INSPECT_LIMITS,
): Promise<CheckedPdf> {
  try {
    return { ...(await inspectPdf(file, limits)), repairedPath: null };
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'pdf_invalid') throw err; // password-protected stays refused
    const out = `${file}.repaired.pdf`;
    // qpdf exit 3: warnings (what it repaired), and the output is written.
    for (const [tool, args, okCodes] of [
      [tools.qpdfPath, ['--', file, out], [3]],
      [tools.pdftocairoPath, ['-pdf', '--', file, out], []],
    ] as const) {
      try {
        await run(tool, args, { timeout: 60_000 });
      } catch (toolErr) {
        if (!(okCodes as readonly unknown[]).includes((toolErr as { code?: unknown }).code)) continue;
      }
      try {
        return { ...(await inspectPdf(out, limits)), repairedPath: out };
      } catch {
        // not good enough: the next tool, or refuse
      }
    }
    return refuse(out, err);
  }
}

async function refuse(out: string, err: unknown): Promise<never> {
  await fs.rm(out, { force: true });
  throw err;
}
