// The shared test corpus (real files from other projects' test suites) lives beside the repository, in
// ../shared/corpus from its root; PAGETRAIL_CORPUS points elsewhere when a checkout sits somewhere else.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CORPUS = path.resolve(ROOT, process.env.PAGETRAIL_CORPUS ?? '../shared/corpus');

export function corpusFile(rel: string): string {
  const file = path.join(CORPUS, rel);
  if (!fs.existsSync(file)) throw new Error(`corpus file ${rel} not found under ${CORPUS} (set PAGETRAIL_CORPUS)`);
  return file;
}

/** The documents part, and what Pagetrail must make of each file (tests/fixtures/corpus-expected.json). */
export const CORPUS_DIR = path.join(CORPUS, 'docs');

export interface CorpusFile {
  file: string;
  type: string;
  note: string;
}

/** Either `ready` with the page count plain LibreOffice (or poppler, for PDFs) gives, or refused with a code. */
export type Expectation = { ready: true; pages: number } | { ready: false; code: string };

export function corpusAvailable(): boolean {
  return fs.existsSync(path.join(CORPUS_DIR, 'MANIFEST.tsv'));
}

export function corpusFiles(): CorpusFile[] {
  const [header, ...rows] = fs.readFileSync(path.join(CORPUS_DIR, 'MANIFEST.tsv'), 'utf8').trim().split('\n');
  const cols = header!.split('\t');
  return rows.map((row) => {
    const cells = row.split('\t');
    const get = (name: string) => cells[cols.indexOf(name)] ?? '';
    return { file: get('file'), type: get('type'), note: get('note') };
  });
}

export function expectations(): Record<string, Expectation> {
  const file = fileURLToPath(new URL('../fixtures/corpus-expected.json', import.meta.url));
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { files: Record<string, Expectation> }).files;
}
