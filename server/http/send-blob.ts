// Sends a stored blob with HTTP caching validators and single byte-range support (RFC 9110).
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { BlobStore, ByteRange } from '../../storage/blobs/blob-store.ts';
import { notFound, rangeNotSatisfiable } from '../errors.ts';

export interface SendOptions {
  contentType: string;
  disposition?: string;
  cacheControl?: string;
  /** Runs once the response is settled to carry bytes (a GET answered 200 or 206), before any header of the file
   * is set; if it throws, the error is the answer. */
  beforeBody?: (range: ByteRange | null) => Promise<void>;
}

/** Parses `bytes=a-b`, `bytes=a-`, `bytes=-n`; multiple ranges are served whole (null). */
export function parseRange(header: string | undefined, size: number): ByteRange | null | 'unsatisfiable' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return null;
  let start: number;
  let end: number;
  if (a === '') {
    const n = Number(b);
    if (n === 0) return 'unsatisfiable';
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

export async function sendBlob(
  req: Request,
  res: Response,
  blobs: BlobStore,
  key: string,
  opts: SendOptions,
): Promise<void> {
  const info = await blobs.stat(key);
  if (!info) throw notFound('File');
  const etag = `"${info.etag}"`;
  const validators = { ETag: etag, 'Cache-Control': opts.cacheControl ?? 'private, no-cache' };
  if (req.get('if-none-match') === etag) {
    res.status(304).set(validators).end();
    return;
  }
  const ifRange = req.get('if-range');
  const range = ifRange && ifRange !== etag ? null : parseRange(req.get('range'), info.size);
  if (range === 'unsatisfiable') {
    res.set('Content-Range', `bytes */${info.size}`);
    throw rangeNotSatisfiable();
  }
  // Before any file header is set, so a refusal here goes out as a plain JSON error.
  if (req.method !== 'HEAD') await opts.beforeBody?.(range);
  res.set({ ...validators, 'Content-Type': opts.contentType, 'Accept-Ranges': 'bytes' });
  if (opts.disposition) res.set('Content-Disposition', opts.disposition);
  if (range) {
    res.status(206).set({
      'Content-Range': `bytes ${range.start}-${range.end}/${info.size}`,
      'Content-Length': String(range.end - range.start + 1),
    });
  } else {
    res.status(200).set('Content-Length', String(info.size));
  }
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  // A reader may go away before the file is open; then there is nothing to send and no handle to open.
  if (res.destroyed) return;
  const stream = await blobs.read(key, range ?? undefined);
  try {
    await pipeline(stream, res);
  } catch (err) {
    // A reader that goes away mid-file is normal (pdf.js cancels range requests); anything else is an error.
    if (!GONE.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    // The file handle is closed on every path (pipeline does not destroy a source whose destination was gone already).
    stream.destroy();
  }
}

/** How a stream ends when the reader hangs up. */
const GONE = new Set([
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_STREAM_UNABLE_TO_PIPE',
  'ERR_STREAM_DESTROYED',
  'EPIPE',
  'ECONNRESET',
]);
