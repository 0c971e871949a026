// Every failure becomes the contract's JSON error; internal causes are logged, never sent.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import multer from 'multer';
import { BlobNotFoundError } from '../../storage/blobs/blob-store.ts';
import { AppError, isAppError } from '../errors.ts';
import type { Logger } from '../logger.ts';

const MULTER: Record<string, [number, string, string]> = {
  LIMIT_FILE_SIZE: [413, 'file_too_large', 'The file is larger than the upload limit.'],
  LIMIT_FILE_COUNT: [400, 'too_many_files', 'Send exactly one file in the field "file".'],
  LIMIT_UNEXPECTED_FILE: [400, 'unexpected_field', 'Send the file in the multipart field "file".'],
  LIMIT_PART_COUNT: [400, 'too_many_parts', 'The upload has too many parts.'],
  LIMIT_FIELD_COUNT: [400, 'too_many_fields', 'The upload has too many fields.'],
  LIMIT_FIELD_KEY: [400, 'field_name_too_long', 'A field name is too long.'],
  LIMIT_FIELD_VALUE: [400, 'field_too_long', 'A field value is too long.'],
};

const BODY: Record<string, [number, string, string]> = {
  'entity.parse.failed': [400, 'invalid_json', 'The request body is not valid JSON.'],
  'entity.too.large': [413, 'body_too_large', 'The request body is too large.'],
  'encoding.unsupported': [415, 'unsupported_encoding', 'The request body encoding is not supported.'],
  'charset.unsupported': [415, 'unsupported_charset', 'The request body charset is not supported.'],
  'request.aborted': [400, 'request_aborted', 'The request was aborted.'],
};

export function toAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  // A blob gone between its stat and its read (deleted meanwhile).
  if (err instanceof BlobNotFoundError) return new AppError(404, 'not_found', 'File not found.', { cause: err });
  if (err instanceof multer.MulterError) {
    const [status, code, message] = MULTER[err.code] ?? [400, 'bad_upload', 'The upload could not be read.'];
    return new AppError(status, code, message, { cause: err });
  }
  const type = (err as { type?: string } | null)?.type;
  if (type && BODY[type]) {
    const [status, code, message] = BODY[type];
    return new AppError(status, code, message, { cause: err });
  }
  // http-errors from Express's own parts (static files): a client error keeps its status.
  const status = (err as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return status === 404 ? new AppError(404, 'not_found', 'No such file.', { cause: err })
      : new AppError(status, 'bad_request', 'The request was refused.', { cause: err });
  }
  const msg = (err as Error | null)?.message ?? '';
  if (/Multipart: Boundary not found|Unexpected end of form|Malformed part header/i.test(msg)) {
    return new AppError(400, 'bad_upload', 'The multipart body could not be read.', { cause: err });
  }
  return new AppError(500, 'internal_error', 'Something went wrong on our side.', { cause: err });
}

export function notFoundHandler(): RequestHandler {
  return (_req, _res, next) => next(new AppError(404, 'not_found', 'No such endpoint.'));
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const e = toAppError(err);
    if (e.status >= 500) logger.error({ reqId: req.id, err: e.cause ?? e }, e.code);
    else logger.debug({ reqId: req.id, code: e.code, cause: e.cause }, 'request refused');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(e.status).json({ error: e.toJSON() });
  };
}
