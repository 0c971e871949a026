// The one mapping of failures to what a socket is told: an AppError keeps its code and message; a database out of
// reach is database_unavailable (worth a retry); anything else is logged and becomes internal_error.
// Handshakes are refused with connect_error carrying `data: {code, message}`.
import { isDatabaseUnavailable } from '../../storage/db/errors.ts';
import { type AppError, databaseUnavailable, internalError, isAppError } from '../errors.ts';
import type { Logger } from '../logger.ts';

export function toSocketError(err: unknown, logger: Logger, what: string): AppError {
  if (isAppError(err)) return err;
  if (isDatabaseUnavailable(err)) {
    logger.warn({ err }, what);
    return databaseUnavailable({ cause: err });
  }
  logger.error({ err }, what);
  return internalError({ cause: err });
}

/** The error a socket.io middleware passes to next() to refuse a handshake. */
export function refusal(e: AppError): Error & { data: ReturnType<AppError['toJSON']> } {
  return Object.assign(new Error(e.code), { data: e.toJSON() });
}
