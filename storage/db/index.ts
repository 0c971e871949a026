// Picks the database adapter from configuration (PostgreSQL when DATABASE_URL is set, else SQLite in DATA_DIR),
// loading only the driver it needs, and brings the schema up to date from the one migration source.
import path from 'node:path';
import { COPY_TOKENS, LINK_TOKENS, Sealer } from '../sealer.ts';
import type { DatabaseAdapter } from './adapter.ts';
import type { Synchronous } from './sqlite/settings.ts';
import { migrate } from './migrations.ts';

/** The settings this factory reads; the server's Config satisfies it. */
export interface DatabaseConfig {
  dataDir: string;
  DATABASE_URL?: string | undefined;
  DATABASE_POOL_SIZE?: number | undefined;
  SQLITE_SYNCHRONOUS?: Synchronous | undefined;
}

export async function openDatabase(config: DatabaseConfig): Promise<DatabaseAdapter> {
  const database = config.DATABASE_URL
    ? (await import('./postgres/open.ts')).openPostgres(config.DATABASE_URL, {
        poolSize: config.DATABASE_POOL_SIZE ?? 10,
      })
    : (await import('./sqlite/open.ts')).openSqlite(path.join(config.dataDir, 'pagetrail.sqlite'), {
        synchronous: config.SQLITE_SYNCHRONOUS ?? 'normal',
      });
  try {
    await migrate(database.db, undefined, {
      linkSealer: () => Sealer.forDataDir(config.dataDir, LINK_TOKENS),
      copySealer: () => Sealer.forDataDir(config.dataDir, COPY_TOKENS),
    });
  } catch (err) {
    await database.close();
    throw err;
  }
  return database;
}

export type * from './schema.ts';
export type { DatabaseAdapter } from './adapter.ts';
export type { Appended, EventInput, EventLog } from './event-log.ts';
export { DatabaseUnavailableError } from './errors.ts';
