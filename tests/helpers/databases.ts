// The database adapters every shared storage suite runs against: SQLite in a temp DATA_DIR and PostgreSQL in a
// fresh database of its own (tests/helpers/postgres.ts), both opened through openDatabase as the service does.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type DatabaseAdapter } from '../../storage/db/index.ts';
import { createTestDatabase } from './postgres.ts';

export interface OpenedDatabase {
  database: DatabaseAdapter;
  dataDir: string;
  /** DATABASE_URL of the PostgreSQL database (other processes open it too); undefined on SQLite. */
  url: string | undefined;
  /** Closes the adapter and removes the data directory (and the PostgreSQL database). */
  close(): Promise<void>;
}

export const DATABASES: { name: 'SQLite' | 'PostgreSQL'; open(): Promise<OpenedDatabase> }[] = [
  { name: 'SQLite', open: () => openTestDatabase(false) },
  { name: 'PostgreSQL', open: () => openTestDatabase(true) },
];

export async function openTestDatabase(postgres: boolean): Promise<OpenedDatabase> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pt-db-'));
  const pg = postgres ? await createTestDatabase() : null;
  const database = await openDatabase({ dataDir, DATABASE_URL: pg?.url, DATABASE_POOL_SIZE: 4 });
  return {
    database,
    dataDir,
    url: pg?.url,
    async close() {
      await database.close();
      await pg?.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
