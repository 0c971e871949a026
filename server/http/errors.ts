// The one mapping of failures to HTTP answers: the contract's JSON error; internal causes are logged, never sent.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import multer from 'multer';
import { BlobNotFoundError } from '../../storage/blobs/blob-store.ts';
import { isDatabaseUnavailable } from '../../storage/db/errors.ts';
import {
  type AppError,
  badUpload,
  bodyTooLarge,
  databaseUnavailable,
  fieldNameTooLong,
  fieldTooLong,
  fileTooLarge,
  internalError,
  invalidJson,
  isAppError,
  noSuchEndpoint,
  notFound,
  requestAborted,
  requestRefused,
  tooManyFields,
  tooManyFiles,
  tooManyParts,
  unexpectedField,
  unsupportedCharset,
  unsupportedEncoding,
} from '../errors.ts';
import type { Logger } from '../logger.ts';

type Make = (o: { cause: unknown }) => AppError;

const MULTER: Record<string, Make> = {
  LIMIT_FILE_SIZE: fileTooLarge,
  LIMIT_FILE_COUNT: tooManyFiles,
  LIMIT_UNEXPECTED_FILE: unexpectedField,
  LIMIT_PART_COUNT: tooManyParts,
  LIMIT_FIELD_COUNT: tooManyFields,
  LIMIT_FIELD_KEY: fieldNameTooLong,
  LIMIT_FIELD_VALUE: fieldTooLong,
};

const BODY: Record<string, Make> = {
  'entity.parse.failed': invalidJson,
  'entity.too.large': bodyTooLarge,
  'encoding.unsupported': unsupportedEncoding,
  'charset.unsupported': unsupportedCharset,
  'request.aborted': requestAborted,
};

export function toAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  const cause = { cause: err };
  // A blob gone between its stat and its read (deleted meanwhile).
  if (err instanceof BlobNotFoundError) return notFound('File', cause);
  if (isDatabaseUnavailable(err)) return databaseUnavailable(cause);
  if (err instanceof multer.MulterError) return (MULTER[err.code] ?? badUpload)(cause);
  const type = (err as { type?: string } | null)?.type;
  if (type && BODY[type]) return BODY[type](cause);
  // http-errors from Express's own parts (static files): a client error keeps its status.
  const status = (err as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return status === 404 ? notFound('File', cause) : requestRefused(status, err);
  const msg = (err as Error | null)?.message ?? '';
  if (/Multipart: Boundary not found|Unexpected end of form|Malformed part header/i.test(msg)) return badUpload(cause);
  return internalError(cause);
}

export function notFoundHandler(): RequestHandler {
  return (_req, _res, next) => next(noSuchEndpoint());
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
    const retryAfter = e.details?.retryAfterS;
    if (typeof retryAfter === 'number') res.set('Retry-After', String(Math.max(1, Math.ceil(retryAfter))));
    res.status(e.status).json({ error: e.toJSON() });
  };
}
