// Opens a PDF with pdf.js to validate it and count its pages; refuses corrupt and password-protected files.
import fs from 'node:fs/promises';
import { fileEncrypted, pdfInvalid } from '../errors.ts';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjs: Promise<PdfJs> | undefined;
const loadPdfJs = () => (pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs'));

export interface PdfInfo {
  pageCount: number;
}

export async function inspectPdf(file: string): Promise<PdfInfo> {
  const { getDocument, PasswordException } = await loadPdfJs();
  const data = new Uint8Array(await fs.readFile(file));
  const task = getDocument({
    data,
    enableXfa: false,
    stopAtErrors: true,
    verbosity: 0,
    disableFontFace: true,
    useSystemFonts: false,
  });
  try {
    const doc = await task.promise;
    const pageCount = doc.numPages;
    // Touch the first and last page so a truncated file fails here, not in the reader's browser.
    await doc.getPage(1);
    if (pageCount > 1) await doc.getPage(pageCount);
    return { pageCount };
  } catch (err) {
    if (err instanceof PasswordException || (err as { name?: string }).name === 'PasswordException') {
      throw fileEncrypted({ cause: err });
    }
    throw pdfInvalid({ cause: err });
  } finally {
    await task.destroy();
  }
}
