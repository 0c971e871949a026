// SQLite adapter for the embedded default: one file in DATA_DIR, WAL mode.
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.ts';

const handles = new WeakMap<Kysely<Database>, SQLite.Database>();

/** The better-sqlite3 handle behind a Kysely instance, for the few paths that prepare their own statements. */
export function sqliteHandle(db: Kysely<Database>): SQLite.Database | undefined {
  return handles.get(db);
}

export function openSqlite(file: string): Kysely<Database> {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  handles.set(db, sqlite);
  return db;
}
