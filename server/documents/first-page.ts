// The image of page 1 that the reader paints before pdf.js has rendered the page: made from the stored PDF once the
// document is ready (pdftoppm, off the path to `ready`), stored beside it, and served only as the PDF itself is
// (server/http/viewer.ts). A missing image is no error: the reader then waits for the canvas.
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import type { BlobStore } from '../../storage/blobs/blob-store.ts';
import { blobKeys } from '../conversion/render.ts';
import type { Logger } from '../logger.ts';

const run = promisify(execFile);

/** Width in pixels: page 1 of a Letter or A4 portrait page at the reader's widest automatic zoom (125 %), which
 * also covers a phone's 375 CSS px at 2-3 device pixels per CSS pixel. */
export const FIRST_PAGE_WIDTH = 1020;
const QUALITY = 72;
const RENDER_TIMEOUT_MS = 30_000;

export const firstPageKey = (documentId: string) => `docs/${documentId}/first-page.jpg`;

export class FirstPageImages {
  readonly #d: { blobs: BlobStore; pdftoppmPath: string; tmpDir: string; logger: Logger };
  readonly #running = new Set<Promise<void>>();

  constructor(d: { blobs: BlobStore; pdftoppmPath: string; tmpDir: string; logger: Logger }) {
    this.#d = d;
  }

  /** Renders and stores page 1 of a ready document in the background; failures are logged, never thrown. */
  make(documentId: string): void {
    const job = this.#render(documentId)
      .catch((err: unknown) => this.#d.logger.warn({ err, documentId }, 'no first-page image'))
      .finally(() => this.#running.delete(job));
    this.#running.add(job);
  }

  async remove(documentId: string): Promise<void> {
    await this.#d.blobs.delete(firstPageKey(documentId));
  }

  /** Waits for images being made, up to graceMs. */
  async drain(graceMs: number): Promise<void> {
    if (!this.#running.size) return;
    await Promise.race([Promise.allSettled([...this.#running]), new Promise((r) => setTimeout(r, graceMs).unref())]);
  }

  async #render(documentId: string): Promise<void> {
    const started = Date.now();
    const dir = await fs.mkdtemp(path.join(this.#d.tmpDir, 'first-page-'));
    try {
      // pdftoppm needs the whole file (the cross-reference is at its end): a local copy, also from S3.
      const pdf = path.join(dir, 'document.pdf');
      await pipeline(await this.#d.blobs.read(blobKeys(documentId).pdf), createWriteStream(pdf));
      const base = path.join(dir, 'page'); // -singlefile: pdftoppm writes exactly base + '.jpg'
      await run(
        this.#d.pdftoppmPath,
        [
          '-jpeg',
          '-jpegopt',
          `quality=${QUALITY},progressive=y,optimize=y`,
          '-f',
          '1',
          '-l',
          '1',
          '-scale-to-x',
          String(FIRST_PAGE_WIDTH),
          '-scale-to-y',
          '-1',
          '-singlefile',
          '--',
          pdf,
          base,
        ],
        { timeout: RENDER_TIMEOUT_MS },
      );
      const info = await this.#d.blobs.putFile(firstPageKey(documentId), `${base}.jpg`, 'image/jpeg');
      // Deleted while rendering: leave nothing behind.
      if (!(await this.#d.blobs.stat(blobKeys(documentId).pdf))) return await this.remove(documentId);
      this.#d.logger.info({ documentId, bytes: info.size, ms: Date.now() - started }, 'first-page image stored');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
}
