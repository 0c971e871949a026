// A fresh PostgreSQL database per test run on the development server (127.0.0.1:5432, user postgres, trust auth),
// dropped afterwards. PAGETRAIL_TEST_POSTGRES names another server.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_POSTGRES = process.env.PAGETRAIL_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** DATABASE_URL of the new database. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function admin<T>(server: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: server, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

/** Creates `pagetrail_test_<random>` on `server` (a database URL whose user may create databases). */
export async function createTestDatabase(server = TEST_POSTGRES): Promise<TestDatabase> {
  const name = `pagetrail_test_${randomBytes(6).toString('hex')}`;
  await admin(server, (c) => c.query(`create database ${name}`));
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    // Forced: a connection some failed test left open does not keep the database around.
    drop: () => admin(server, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
