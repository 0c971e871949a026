// What a database adapter hands the service: the query builder, the event log, a readiness check and close. Both
// adapters (sqlite/, postgres/) give the same shapes; index.ts picks one from configuration.
import type { EventLog } from './event-log.ts';
import type { Db } from './schema.ts';

export interface DatabaseAdapter {
  readonly kind: 'sqlite' | 'postgres';
  readonly db: Db;
  readonly events: EventLog;
  /** Cheap check for /readyz: rejects when the database cannot answer a query. */
  check(): Promise<void>;
  /** Closes every connection (and, on SQLite, the database thread). */
  close(): Promise<void>;
}
