// The reader's bytes, fetched in ranges with the visit's file token (a header, renewed by the server while the
// visit lives): pdf.js asks for ranges through this PDFDataRangeTransport instead of fetching a URL itself, so the
// token can change under a long read without pdf.js knowing.
import { PDFDataRangeTransport } from 'pdfjs-dist';

/** The header every file request carries (server/http/viewer.ts). */
const FILE_TOKEN_HEADER = 'X-Pagetrail-File';
const RETRIES = 4;

export class VisitFileTransport extends PDFDataRangeTransport {
  readonly #url: string;
  readonly #token: () => Promise<string>;
  readonly #onLost: (status: number) => void;

  /** `token()` resolves the current file token (waiting for one after a reconnect); `onLost` hears a 404/410. */
  constructor(url: string, length: number, token: () => Promise<string>, onLost: (status: number) => void) {
    super(length, null);
    this.#url = url;
    this.#token = token;
    this.#onLost = onLost;
  }

  override requestDataRange(begin: number, end: number): void {
    void this.#fetch(begin, end, 0);
  }

  async #fetch(begin: number, end: number, attempt: number): Promise<void> {
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
        const chunk = res.status === 200 ? all.subarray(begin, end) : all;
        this.onDataRange(begin, chunk);
        return;
      }
    } catch {
      // network trouble: retried below
    }
    if (status === 404 || status === 410) return this.#onLost(status);
    // 403: the token expired while the socket was away; a fresh one comes with the reconnect.
    if (attempt < RETRIES) {
      await new Promise((r) => setTimeout(r, 1000 * 2 ** attempt));
      return this.#fetch(begin, end, attempt + 1);
    }
    console.error(`file range ${begin}-${end} failed (${status || 'network'})`);
  }
}
