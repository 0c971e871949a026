// The reader's bytes, fetched in ranges with the visit's file token (a header, renewed by the server while the
// visit lives): pdf.js asks for ranges through this PDFDataRangeTransport instead of fetching a URL itself, so the
// token can change under a long read without pdf.js knowing. The ranges pdf.js always asks for first (the head and
// the cross-reference at the end) are fetched at once, while the pdf.js worker is still starting.
import { PDFDataRangeTransport } from 'pdfjs-dist';

/** The header every file request carries (server/http/viewer.ts). */
export const FILE_TOKEN_HEADER = 'X-Pagetrail-File';
const RETRIES = 4;
/** Leading chunks fetched ahead: the header, the first page's objects in most files. */
const HEAD_CHUNKS = 2;

export class VisitFileTransport extends PDFDataRangeTransport {
  readonly #url: string;
  readonly #token: () => Promise<string>;
  readonly #onLost: (status: number) => void;
  /** Chunk-aligned ranges fetched before pdf.js asked, by their first byte; each is handed over once. */
  readonly #ahead = new Map<number, { end: number; bytes: Promise<Uint8Array | null> }>();
  /** What pdf.js has asked for so far: not fetched ahead again. */
  readonly #asked: [number, number][] = [];

  /** `token()` resolves the current file token (waiting for one after a reconnect); `onLost` hears a 404/410. */
  constructor(url: string, length: number, token: () => Promise<string>, onLost: (status: number) => void) {
    super(length, null);
    this.#url = url;
    this.#token = token;
    this.#onLost = onLost;
  }

  /** Starts fetching the first chunks and the last one (pdf.js reads the trailer first), `chunkSize` as pdf.js's
   * rangeChunkSize so that its requests line up with these. */
  fetchAhead(chunkSize: number): void {
    const last = Math.floor((this.length - 1) / chunkSize) * chunkSize;
    const starts = new Set([...Array.from({ length: HEAD_CHUNKS }, (_, i) => i * chunkSize), last]);
    for (const begin of starts) {
      const end = Math.min(this.length, begin + chunkSize);
      if (begin >= this.length || this.#asked.some(([b, e]) => b < end && begin < e)) continue;
      this.#ahead.set(begin, { end, bytes: this.#get(begin, end, RETRIES).catch(() => null) });
    }
  }

  override requestDataRange(begin: number, end: number): void {
    this.#asked.push([begin, end]);
    void this.#serve(begin, end).catch((err: unknown) => console.error(err));
  }

  /** Answers one pdf.js request with one onDataRange: fetched-ahead pieces where they fit, the rest fetched now. */
  async #serve(begin: number, end: number): Promise<void> {
    const pieces: Promise<Uint8Array | null>[] = [];
    let at = begin;
    while (at < end) {
      const ahead = this.#ahead.get(at);
      if (ahead && ahead.end <= end) {
        this.#ahead.delete(at);
        const from = at;
        const to = ahead.end;
        pieces.push(ahead.bytes.then((b) => b ?? this.#get(from, to, 0)));
        at = ahead.end;
        continue;
      }
      const next = Math.min(end, ...[...this.#ahead.keys()].filter((k) => k > at));
      pieces.push(this.#get(at, next, 0));
      at = next;
    }
    const parts = await Promise.all(pieces);
    if (parts.some((p) => p === null)) return;
    const chunk = parts.length === 1 ? parts[0]! : concat(parts as Uint8Array[], end - begin);
    this.onDataRange(begin, chunk);
  }

  /** The bytes [begin, end), or null once the link is gone or the retries are spent. */
  async #get(begin: number, end: number, attempt: number): Promise<Uint8Array | null> {
    let status = 0;
    try {
      const res = await fetch(this.#url, {
        headers: { Range: `bytes=${begin}-${end - 1}`, [FILE_TOKEN_HEADER]: await this.#token() },
        cache: 'no-store',
        credentials: 'same-origin',
      });
      status = res.status;
      if (res.status === 206 || res.status === 200) {
        const all = new Uint8Array(await res.arrayBuffer());
        // A server that ignored the range sent the whole file: hand pdf.js the part it asked for.
        return res.status === 200 ? all.subarray(begin, end) : all;
      }
    } catch {
      // network trouble: retried below
    }
    if (status === 404 || status === 410) {
      this.#onLost(status);
      return null;
    }
    // 403: the token expired while the socket was away; a fresh one comes with the reconnect.
    if (attempt < RETRIES) {
      await new Promise((r) => setTimeout(r, 1000 * 2 ** attempt));
      return this.#get(begin, end, attempt + 1);
    }
    console.error(`file range ${begin}-${end} failed (${status || 'network'})`);
    return null;
  }
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
