// Small per-page thumbnails for the analytics chart (the hovered bar shows its page): one pdftoppm run over the
// first pages after the document is ready, each page stored as its own JPEG. Never fails the document.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { BlobStore } from '../../storage/blobs/blob-store.ts';
import { pageThumbnailKey } from '../documents/documents.ts';
import { runInBackground } from './background-run.ts';

/** Longest side of a page thumbnail in pixels: the chart's hover card shows it at 90 CSS px, 2x for sharp screens. */
export const PAGE_THUMBNAIL_SIZE = 180;

export interface PageThumbnailDeps {
  blobs: BlobStore;
  pdftoppmPath: string;
  /** Pages 1..max get one (PAGE_THUMBNAILS_MAX); 0 makes none. */
  pageThumbnailsMax: number;
}

/** Renders pages 1..min(pageCount, max) into `work` and stores them; returns how many pages have one (0: none). */
export async function makePageThumbnails(
  d: PageThumbnailDeps,
  documentId: string,
  pdfPath: string,
  pageCount: number,
  work: string,
  signal?: AbortSignal,
): Promise<number> {
  const last = Math.min(pageCount, d.pageThumbnailsMax);
  if (last < 1) return 0;
  const dir = await fs.mkdtemp(path.join(work, 'pages-'));
  try {
    const jpeg = ['-jpeg', '-jpegopt', 'quality=70,optimize=y', '-scale-to', String(PAGE_THUMBNAIL_SIZE)];
    try {
      // Generous: about 20 ms a page here; a page that takes long only delays the thumbnails, never `ready`.
      const timeout = 30_000 + last * 1_000;
      const args = [...jpeg, '-f', '1', '-l', String(last), '--', pdfPath, path.join(dir, 'p')];
      await runInBackground(d.pdftoppmPath, args, { signal, timeout });
    } catch {
      return 0;
    }
    const made = new Map<number, string>();
    // pdftoppm pads the page number to the width of the document's page count: p-7.jpg, p-007.jpg, ...
    for (const name of await fs.readdir(dir)) {
      const m = /^p-(\d+)\.jpg$/.exec(name);
      if (m) made.set(Number(m[1]), path.join(dir, name));
    }
    let count = 0;
    while (made.has(count + 1)) count++;
    for (let page = 1; page <= count; page++) {
      await d.blobs.putFile(pageThumbnailKey(documentId, page), made.get(page) as string, 'image/jpeg');
    }
    return count;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
