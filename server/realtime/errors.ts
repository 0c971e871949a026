// The one mapping of failures to what a socket is told: an AppError keeps its code and message; anything else is
// logged and becomes internal_error. Handshakes are refused with connect_error carrying `data: {code, message}`.
import { type AppError, internalError, isAppError } from '../errors.ts';
import type { Logger } from '../logger.ts';

export function toSocketError(err: unknown, logger: Logger, what: string): AppError {
  if (isAppError(err)) return err;
  logger.error({ err }, what);
  return internalError({ cause: err });
}

/** The error a socket.io middleware passes to next() to refuse a handshake. */
export function refusal(e: AppError): Error & { data: ReturnType<AppError['toJSON']> } {
  return Object.assign(new Error(e.code), { data: e.toJSON() });
}
