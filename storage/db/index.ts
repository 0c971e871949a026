// Picks the database adapter from configuration and brings the schema up to date.
import path from 'node:path';
import { sql } from 'kysely';
import { LINK_TOKENS, Sealer } from '../sealer.ts';
import { migrate } from './migrations.ts';
import type { Db } from './schema.ts';
import { openSqlite } from './sqlite.ts';

export async function openDatabase(opts: { dataDir: string; file?: string }): Promise<Db> {
  const db = openSqlite(opts.file ?? path.join(opts.dataDir, 'pagetrail.sqlite'));
  await migrate(db, undefined, { linkSealer: () => Sealer.forDataDir(opts.dataDir, LINK_TOKENS) });
  return db;
}

export async function checkDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

export type * from './schema.ts';
