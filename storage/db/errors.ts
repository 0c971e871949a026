// Storage's own failures, mapped to answers at the edge (server/http/errors.ts): storage knows nothing of HTTP.

/** No connection to the database could be had (the server is down, unreachable, or every connection is busy past
 * the wait allowed). The request may succeed later. */
export class DatabaseUnavailableError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('the database is unavailable', options);
    this.name = 'DatabaseUnavailableError';
  }
}
