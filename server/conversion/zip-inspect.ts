// Reads a zip container's central directory (never inflating anything) so bombs are refused before LibreOffice sees them.
import type { FileHandle } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import { fileCorrupt, zipBomb } from '../errors.ts';

export interface ZipLimits {
  maxEntries: number;
  maxUncompressedBytes: number;
  maxRatio: number;
}

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const CEN_SIG = 0x02014b50;
const LOC_SIG = 0x04034b50;

const corrupt = () => fileCorrupt();
const bomb = zipBomb;

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

/** Lists the entries of a zip file after checking the declared sizes and counts against the limits. */
export async function inspectZip(fh: FileHandle, fileSize: number, limits: ZipLimits): Promise<ZipEntry[]> {
  const tailLen = Math.min(fileSize, 22 + 0xffff);
  const tail = await readAt(fh, fileSize - tailLen, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw corrupt();
  const total = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (total === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    throw bomb('zip64 containers are not accepted for Office documents');
  }
  if (total > limits.maxEntries) throw bomb(`it declares ${total} entries (at most ${limits.maxEntries} are allowed)`);
  if (cdOffset + cdSize > fileSize) throw corrupt();
  const cd = await readAt(fh, cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  let sum = 0;
  let p = 0;
  while (p + 46 <= cd.length && cd.readUInt32LE(p) === CEN_SIG) {
    const method = cd.readUInt16LE(p + 10);
    const compressedSize = cd.readUInt32LE(p + 20);
    const uncompressedSize = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const localHeaderOffset = cd.readUInt32LE(p + 42);
    if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || localHeaderOffset === 0xffffffff) {
      throw bomb('zip64 entries are not accepted for Office documents');
    }
    const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
    entries.push({ name, method, compressedSize, uncompressedSize, localHeaderOffset });
    sum += uncompressedSize;
    if (entries.length > limits.maxEntries) throw bomb(`it holds more than ${limits.maxEntries} entries`);
    if (sum > limits.maxUncompressedBytes) {
      throw bomb(`it would expand to more than ${Math.round(limits.maxUncompressedBytes / 1048576)} MB`);
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
  if (entries.length !== total) throw corrupt();
  if (sum > Math.max(fileSize, 1) * limits.maxRatio && sum > 10 * 1024 * 1024) {
    throw bomb(`it would expand ${Math.round(sum / Math.max(fileSize, 1))} times its size`);
  }
  return entries;
}

/** The bytes of a stored (uncompressed) entry, e.g. an ODF `mimetype`; null if compressed or unreadable. */
export async function readStoredEntry(fh: FileHandle, entry: ZipEntry, maxBytes = 256): Promise<Buffer | null> {
  if (entry.method !== 0 || entry.uncompressedSize > maxBytes) return null;
  const loc = await readAt(fh, entry.localHeaderOffset, 30);
  if (loc.length < 30 || loc.readUInt32LE(0) !== LOC_SIG) return null;
  const start = entry.localHeaderOffset + 30 + loc.readUInt16LE(26) + loc.readUInt16LE(28);
  return readAt(fh, start, entry.uncompressedSize);
}

/** The bytes of a small stored or deflated entry (e.g. an ODF manifest); null if larger, another method or broken. */
export async function readSmallEntry(fh: FileHandle, entry: ZipEntry, maxBytes = 1024 * 1024): Promise<Buffer | null> {
  if (entry.method === 0) return readStoredEntry(fh, entry, maxBytes);
  if (entry.method !== 8 || entry.uncompressedSize > maxBytes || entry.compressedSize > maxBytes) return null;
  const loc = await readAt(fh, entry.localHeaderOffset, 30);
  if (loc.length < 30 || loc.readUInt32LE(0) !== LOC_SIG) return null;
  const start = entry.localHeaderOffset + 30 + loc.readUInt16LE(26) + loc.readUInt16LE(28);
  try {
    // The declared size may lie; the output bound holds whatever the data says.
    return inflateRawSync(await readAt(fh, start, entry.compressedSize), { maxOutputLength: maxBytes });
  } catch {
    return null;
  }
}
