// Looks inside produced PDFs with poppler-utils: the text, and how many images they hold.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function pdfText(file: string): Promise<string> {
  return (await run('pdftotext', ['-enc', 'UTF-8', file, '-'])).stdout;
}

export async function pdfImageCount(file: string): Promise<number> {
  // `pdfimages -list` prints two header lines, then one line per image.
  const { stdout } = await run('pdfimages', ['-list', file]);
  return stdout.trim().split('\n').slice(2).filter(Boolean).length;
}
