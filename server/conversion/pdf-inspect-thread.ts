// The body of a PDF inspection thread (pdf-inspect.ts starts it): opens one file at a time with pdf.js and answers
// its page count, or why it was refused. A huge or hostile file keeps only this thread busy, never the event loop.
import fs from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';

export interface InspectRequest {
  id: number;
  file: string;
  maxPages: number;
}

export type InspectReply =
  | { id: number; ok: true; pageCount: number }
  | { id: number; ok: false; reason: 'encrypted' | 'invalid' | 'too_many_pages'; pageCount?: number; message: string };

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjs: Promise<PdfJs> | undefined;
const loadPdfJs = () => (pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs'));

async function inspect({ id, file, maxPages }: InspectRequest): Promise<InspectReply> {
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
    // Refused before any page is walked: the page tree of a file with a million pages is the costly part.
    if (pageCount > maxPages)
      return { id, ok: false, reason: 'too_many_pages', pageCount, message: `${pageCount} pages` };
    // Touch the first and last page so a truncated file fails here, not in the reader's browser.
    await doc.getPage(1);
    if (pageCount > 1) await doc.getPage(pageCount);
    return { id, ok: true, pageCount };
  } catch (err) {
    const encrypted = err instanceof PasswordException || (err as { name?: string }).name === 'PasswordException';
    return { id, ok: false, reason: encrypted ? 'encrypted' : 'invalid', message: String(err) };
  } finally {
    await task.destroy();
  }
}

parentPort!.on('message', (req: InspectRequest) => {
  inspect(req).then(
    (reply) => parentPort!.postMessage(reply),
    (err: unknown) => parentPort!.postMessage({ id: req.id, ok: false, reason: 'invalid', message: String(err) }),
  );
});
