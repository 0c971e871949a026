// The narrow seam between ingest and whatever turns Office files into PDF.
import type { InspectLimits, PdfInfo } from './pdf-inspect.ts';

/** Office formats accepted at upload (decided from the bytes, see sniff.ts). */
export type OfficeFormat = 'docx' | 'doc' | 'pptx' | 'ppt' | 'odt' | 'odp' | 'rtf' | 'fodt' | 'fodp';

export interface ConvertJob {
  /** Absolute path of the input file; its name carries no meaning and may be anything. */
  inputPath: string;
  format: OfficeFormat;
  /** An empty directory owned by the caller; the converter writes its PDF here and returns its path. */
  outputDir: string;
  /** Aborted by the caller (shutdown, client gone); the converter must kill its work and reject. */
  signal?: AbortSignal;
  /** Told what checking the output found (its page count), so the caller need not parse the PDF again. */
  onPdf?: (info: PdfInfo) => void;
  /** Limits of that check (PDF_MAX_PAGES, PDF_INSPECT_TIMEOUT_MS); the defaults when absent. */
  inspectLimits?: InspectLimits;
  /** Whose job it is (a sender): a pool picks the next job fairly between owners. */
  owner?: string;
  /** The caller admitted the job under its own bound (ingest): the pool's queue bound does not refuse it. */
  admitted?: boolean;
}

export interface ConverterStatus {
  ready: boolean;
  engine: string;
  queued: number;
  running: number;
  detail?: string;
}

export interface Converter {
  /** Resolves with the path of the produced PDF inside job.outputDir; rejects with an AppError. */
  convert(job: ConvertJob): Promise<string>;
  /** Cheap readiness check for /readyz. */
  status(): ConverterStatus;
  /** Stop accepting, wait for running jobs up to the deadline, kill all child processes. */
  close(deadlineMs?: number): Promise<void>;
}
