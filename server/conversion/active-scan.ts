// A quick look at a PDF LibreOffice wrote, in memory, for anything active-content.ts would remove: every name in
// the file (escapes decoded) is compared with the names of actions, triggers, scripts and embedded files, and every
// link target with the schemes a link may keep. "inactive" only when the scan sees every object: a file with object
// streams (whose dictionaries are compressed), encryption, or a link it cannot read plainly needs qpdf's full pass.
// Bytes inside stream data are scanned too: a chance match there costs only the full pass, never a miss.
import fs from 'node:fs/promises';

export type ScanVerdict = 'inactive' | 'needs-full-pass';

/** Names whose presence anywhere sends the file to the full pass. */
const ACTIVE_NAMES = new Set([
  'JavaScript',
  'JS',
  'OpenAction',
  'AA',
  'Launch',
  'EmbeddedFile',
  'EmbeddedFiles',
  'EF',
  'RichMedia',
  'RichMediaExecute',
  'XFA',
  'NeedsRendering',
  'ImportData',
  'SubmitForm',
  'Rendition',
  'GoToE',
  'GoToR',
  'Sound',
  'Movie',
  // What the scan cannot see through.
  'ObjStm',
  'Encrypt',
]);

/** Link targets kept as they are: a plain literal with one of these schemes. */
const SAFE_URI = /^(https?|mailto):[\x21-\x7e]*$/i;

/** Bigger files go to the full pass without a scan (the scan holds the file in memory). */
const MAX_SCAN_BYTES = 64 * 1024 * 1024;

const NAME = /\/([^\x00\t\n\f\r ()<>[\]{}/%]*)/g;
/** A /URI entry and the start of its value. */
const URI = /\/URI\s*(?=([(</\d])?)/g;

/** A name with its #xx escapes decoded (an invalid escape stays as written, as readers read it). */
const decodeName = (raw: string): string =>
  raw.includes('#')
    ? raw.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
    : raw;

/** The literal string starting at `open` (its "("), when it is plain: no escapes, no nested parentheses. */
function plainLiteral(text: string, open: number): string | null {
  const close = text.indexOf(')', open + 1);
  if (close < 0) return null;
  const value = text.slice(open + 1, close);
  return /[\\(]/.test(value) ? null : value;
}

export function scanActiveContent(bytes: Uint8Array): ScanVerdict {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  if (!text.startsWith('%PDF-')) return 'needs-full-pass';
  for (const m of text.matchAll(NAME)) {
    // Decoded: /J#53 is /JS to a reader.
    const name = decodeName(m[1]!);
    // LibreOffice opens every file at page 1 with an explicit destination (an array: nothing it could run).
    if (name === 'OpenAction' && /^\s*\[/.test(text.slice(m.index + m[0].length, m.index + m[0].length + 64))) continue;
    if (ACTIVE_NAMES.has(name)) return 'needs-full-pass';
  }
  for (const m of text.matchAll(URI)) {
    // The key /URI also names the action type (/S /URI): a name or a number after it is not a target.
    if (m[1] === '/') continue;
    if (m[1] !== '(') return 'needs-full-pass';
    const value = plainLiteral(text, m.index + m[0].length);
    if (value === null || !SAFE_URI.test(value)) return 'needs-full-pass';
  }
  return 'inactive';
}

/** The verdict for a file on disk; a file too big to hold is sent to the full pass unread. */
export async function scanPdfFile(pdfPath: string): Promise<ScanVerdict> {
  const { size } = await fs.stat(pdfPath);
  if (size > MAX_SCAN_BYTES) return 'needs-full-pass';
  return scanActiveContent(await fs.readFile(pdfPath));
}
