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
