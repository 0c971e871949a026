// Blob storage seam: server-generated keys, streams in and out, byte ranges.
import type { Readable } from 'node:stream';

export interface BlobInfo {
  size: number;
  etag: string;
}

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

export interface BlobStore {
  /** Store the file at localPath under key (atomically: readers never see a partial blob). */
  putFile(key: string, localPath: string, contentType: string): Promise<BlobInfo>;
  stat(key: string): Promise<BlobInfo | null>;
  /** A stream of the blob or of one inclusive byte range of it. Rejects with BlobNotFoundError when missing. */
  read(key: string, range?: ByteRange): Promise<Readable>;
  delete(key: string): Promise<void>;
  /** Every key under a prefix such as `docs/` (for the start-up sweep of blobs no document owns; local disk only). */
  list?(prefix: string): Promise<string[]>;
  /** Removes what interrupted writes left behind (a crash between copying and renaming); returns how many. */
  removeIncomplete?(): Promise<number>;
  /** Cheap readiness check for /readyz. */
  check(): Promise<void>;
  /** Releases connections (at shutdown). */
  close(): Promise<void>;
}

/** Storage's own error for a missing blob: the edge that reads it decides what the caller is told. */
export class BlobNotFoundError extends Error {
  readonly key: string;
  constructor(key: string, options?: { cause?: unknown }) {
    super(`no blob under ${key}`, options);
    this.name = 'BlobNotFoundError';
    this.key = key;
  }
}

/** Keys are made by the server only: letters, digits, '/', '-', '_', '.' and no '..'. */
export function assertSafeKey(key: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9/_.-]{0,255}$/.test(key) || key.includes('..') || key.includes('//')) {
    throw new Error(`unsafe blob key: ${key}`);
  }
}
