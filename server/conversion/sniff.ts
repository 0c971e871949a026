// Decides what an upload is from its bytes alone (never the name or the client's Content-Type).
import fs from 'node:fs/promises';
import { fileEmpty, fileEncrypted, unsupportedFile } from '../errors.ts';
import type { OfficeFormat } from './converter.ts';
import { OleFile, wordFibEncrypted } from './ole2.ts';
import { inspectZip, readSmallEntry, readStoredEntry, type ZipEntry, type ZipLimits } from './zip-inspect.ts';

export type DetectedFormat = 'pdf' | OfficeFormat;

const OLE2 = Buffer.from('d0cf11e0a1b11ae1', 'hex');
const utf16 = (s: string) => Buffer.from(s, 'utf16le');
const OLE_STREAMS: [Buffer, DetectedFormat | 'encrypted'][] = [
  [utf16('EncryptedPackage'), 'encrypted'], // encrypted OOXML: an OLE2 container with EncryptionInfo + EncryptedPackage
  [utf16('EncryptedSummary'), 'encrypted'], // PowerPoint 97-2003 with CryptoAPI encryption
  [utf16('PowerPoint Document'), 'ppt'],
  [utf16('PP40'), 'ppt'], // PowerPoint 4.0, which LibreOffice still imports
  [utf16('WordDocument'), 'doc'],
];

export async function detectFormat(file: string, limits: ZipLimits): Promise<DetectedFormat> {
  const fh = await fs.open(file, 'r');
  try {
    const { size } = await fh.stat();
    if (size === 0) throw fileEmpty();
    const head = Buffer.alloc(Math.min(size, 1024));
    await fh.read(head, 0, head.length, 0);
    if (head.indexOf('%PDF-') !== -1) return 'pdf';
    if (head.subarray(0, 5).toString('latin1') === '{\\rtf') return 'rtf';
    if (head.subarray(0, 8).equals(OLE2)) return await sniffOle(fh, size);
    if (head.readUInt32LE(0) === 0x04034b50) return await sniffZip(fh, size, limits);
    throw unsupportedFile();
  } finally {
    await fh.close();
  }
}

async function sniffZip(fh: fs.FileHandle, size: number, limits: ZipLimits): Promise<DetectedFormat> {
  const entries = await inspectZip(fh, size, limits);
  const names = new Set(entries.map((e) => e.name));
  if (names.has('[Content_Types].xml')) {
    if (names.has('word/document.xml')) return 'docx';
    if (names.has('ppt/presentation.xml')) return 'pptx';
    throw unsupportedFile();
  }
  const mime = entries.find((e) => e.name === 'mimetype');
  if (mime) {
    const value = (await readStoredEntry(fh, mime))?.toString('ascii').trim();
    const format =
      value === 'application/vnd.oasis.opendocument.text'
        ? 'odt'
        : value === 'application/vnd.oasis.opendocument.presentation'
          ? 'odp'
          : null;
    if (format) {
      const manifest = entries.find((e) => e.name === 'META-INF/manifest.xml');
      if (manifest && (await odfEncrypted(fh, manifest))) throw fileEncrypted();
      return format;
    }
  }
  throw unsupportedFile();
}

/** A password-protected ODF package describes each encrypted part with <manifest:encryption-data> in its manifest. */
async function odfEncrypted(fh: fs.FileHandle, manifest: ZipEntry): Promise<boolean> {
  const xml = await readSmallEntry(fh, manifest);
  return xml !== null && /<(?:[\w-]+:)?encryption-data\b/.test(xml.toString('utf8'));
}

/** OLE2 (compound file): .doc, .ppt, or an encrypted OOXML package, decided from its directory of streams. */
async function sniffOle(fh: fs.FileHandle, size: number): Promise<DetectedFormat> {
  const ole = await OleFile.open(fh, size);
  const streams = ole ? await ole.streams() : [];
  if (!ole || streams.length === 0) return scanOle(fh, size);
  const names = new Set(streams.map((s) => s.name));
  if (names.has('EncryptedPackage') || names.has('EncryptedSummary')) throw fileEncrypted();
  if (names.has('PowerPoint Document') || names.has('PP40')) return 'ppt';
  const word = streams.find((s) => s.name === 'WordDocument');
  if (word) {
    const fib = await ole.head(word, 32);
    if (fib && wordFibEncrypted(fib)) throw fileEncrypted();
    return 'doc';
  }
  throw unsupportedFile();
}

/** Fallback for a compound file whose directory cannot be walked: stream names are UTF-16 somewhere in it. */
async function scanOle(fh: fs.FileHandle, size: number): Promise<DetectedFormat> {
  const chunk = 4 * 1024 * 1024;
  const found = new Set<string>();
  for (let pos = 0; pos < size; pos += chunk - 64) {
    const buf = Buffer.alloc(Math.min(chunk, size - pos));
    await fh.read(buf, 0, buf.length, pos);
    for (const [needle, kind] of OLE_STREAMS) if (buf.indexOf(needle) !== -1) found.add(kind);
  }
  for (const [, kind] of OLE_STREAMS) {
    if (!found.has(kind)) continue;
    if (kind === 'encrypted') throw fileEncrypted();
    return kind;
  }
  throw unsupportedFile();
}
