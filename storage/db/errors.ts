// Storage's own failures, mapped to answers at the edge (server/http/errors.ts): storage knows nothing of HTTP.

/** No connection to the database could be had (the server is down, unreachable, or every connection is busy past
 * the wait allowed). The request may succeed later. */
export class DatabaseUnavailableError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('the database is unavailable', options);
    this.name = 'DatabaseUnavailableError';
  }
}

// PostgreSQL's connection exceptions (class 08), a server shutting down or starting (57P01-57P03) and too many
// connections (53300): the query did not fail on its own account, and a retry may well succeed.
const UNAVAILABLE_CODE = /^(08...|57P0[123]|53300)$/;
// What the pg driver says when the connection drops under a query.
const CONNECTION_LOST = /^Connection terminated( unexpectedly| due to connection timeout)?$/;

/** True when `err` means the database could not be used just now, rather than that the query was wrong: no
 * connection to be had, or the one in use lost mid-query (a server restart, a failover, a killed backend). */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof DatabaseUnavailableError) return true;
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && UNAVAILABLE_CODE.test(code)) return true;
  return typeof message === 'string' && CONNECTION_LOST.test(message);
}
