// Typed errors: every failure the service reports carries a status, a stable code and a public message.
// The internal cause (if any) is logged, never sent.

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly publicMessage: string;
  readonly details?: Record<string, unknown>;

  constructor(status: number, code: string, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.publicMessage = message;
    this.details = options?.details;
  }

  toJSON(): { code: string; message: string } {
    return { code: this.code, message: this.publicMessage };
  }
}

type Opts = { cause?: unknown; details?: Record<string, unknown> };

export const badRequest = (code: string, message: string, o?: Opts) => new AppError(400, code, message, o);
export const unauthorized = (message = 'Authentication is required.') => new AppError(401, 'unauthorized', message);
export const forbidden = (code: string, message: string) => new AppError(403, code, message);
export const notFound = (what = 'Resource') => new AppError(404, 'not_found', `${what} not found.`);
export const gone = (code: string, message: string) => new AppError(410, code, message);
export const conflict = (code: string, message: string) => new AppError(409, code, message);
export const unsupportedFile = (message = 'This file type is not supported. Upload a PDF, Word, PowerPoint or OpenDocument file.') =>
  new AppError(415, 'unsupported_file_type', message);
export const unprocessable = (code: string, message: string, o?: Opts) => new AppError(422, code, message, o);
export const tooManyRequests = (code: string, message: string) => new AppError(429, code, message);
export const unavailable = (code: string, message: string, o?: Opts) => new AppError(503, code, message, o);

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
