// Converter adapter over libreoffice-convert: a fresh soffice and profile per call. Slow but needs nothing else.
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import libre from 'libreoffice-convert';
import { AppError, unavailable, unprocessable } from '../errors.ts';
import type { ConvertJob, Converter, ConverterStatus } from './converter.ts';

type ConvertWithOptions = (
  doc: Buffer, format: string, filter: string | undefined,
  options: { fileName: string; execOptions?: { timeout?: number; signal?: AbortSignal; killSignal?: string } },
  cb: (err: Error | null, out: Buffer) => void,
) => void;

const convertAsync = promisify((libre as unknown as { convertWithOptions: ConvertWithOptions }).convertWithOptions);

export class LibreOfficeConvertConverter implements Converter {
  private running = 0;
  private closed = false;
  private readonly timeoutMs: number;

  constructor(opts: { timeoutMs: number }) {
    this.timeoutMs = opts.timeoutMs;
  }

  async convert(job: ConvertJob): Promise<string> {
    if (this.closed) throw unavailable('converter_closed', 'The converter is shutting down.');
    this.running++;
    const started = Date.now();
    try {
      const input = await fs.readFile(job.inputPath);
      const out = await convertAsync(input, 'pdf', undefined, {
        fileName: `source.${job.format}`,
        execOptions: { timeout: this.timeoutMs, killSignal: 'SIGKILL', signal: job.signal },
      });
      const pdfPath = path.join(job.outputDir, 'out.pdf');
      await fs.writeFile(pdfPath, out);
      return pdfPath;
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (Date.now() - started >= this.timeoutMs - 50) {
        throw unavailable('conversion_timeout', 'The document took too long to convert.', { cause: err });
      }
      throw unprocessable('conversion_failed', 'The document could not be converted to PDF. It may be corrupt or encrypted.', { cause: err });
    } finally {
      this.running--;
    }
  }

  status(): ConverterStatus {
    return { ready: !this.closed, engine: 'libreoffice-convert', queued: 0, running: this.running };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
