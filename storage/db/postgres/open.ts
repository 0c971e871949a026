// PostgreSQL adapter (DATABASE_URL=postgres://...): the pg driver with a pool, loaded only when configured. Several
// instances share one database; the event log keeps per-sender seqs gap-free across them (postgres/event-log.ts).
import { Kysely, PostgresDialect, type PostgresPool, sql } from 'kysely';
import pg from 'pg';
import type { DatabaseAdapter } from '../adapter.ts';
import { DatabaseUnavailableError, isDatabaseUnavailable } from '../errors.ts';
import type { Database } from '../schema.ts';
import { PostgresEventLog } from './event-log.ts';

const INT8 = 20;
const NUMERIC = 1700;

/** Counts, seqs and byte sizes are bigint columns (and sums of them numeric), which pg hands over as strings to be
 * safe past 2^53; every such value here is far below that, so they come back as numbers, as on SQLite. Set per
 * pool, not on the driver's global table, so other users of pg in the process are unaffected. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 || oid === NUMERIC ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export interface PostgresOptions {
  /** Most connections this process holds open. */
  poolSize: number;
  /** How long a query waits for a free connection (or a new one) before failing as unavailable. */
  connectTimeoutMs?: number;
}

export interface PostgresAdapter extends DatabaseAdapter {
  readonly kind: 'postgres';
  readonly pool: pg.Pool;
}

const lost = new WeakSet<pg.PoolClient>();
const watched = new WeakSet<pg.PoolClient>();

/** A connection that lost its server under a query (a killed backend, a restart, a failover) may still look
 * usable to the pool for a moment, and the next query would fail on it too: such a client is given back with an
 * error, so the pool closes it and the next query gets a new connection. */
function dropWhenLost(client: pg.PoolClient): pg.PoolClient {
  if (!watched.has(client)) {
    watched.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      const result = query(...args);
      if (result instanceof Promise)
        return result.catch((err: unknown) => {
          if (isDatabaseUnavailable(err)) lost.add(client);
          throw err;
        });
      return result;
    }) as typeof client.query;
  }
  // The pool gives each checkout its own release function.
  const release = client.release.bind(client);
  client.release = (err?: Error | boolean) =>
    release(err || (lost.has(client) ? new Error('connection lost') : undefined));
  return client;
}

export function openPostgres(url: string, opts: PostgresOptions): PostgresAdapter {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
    types,
  });
  // An idle connection the server dropped (a restart, a failover) is removed by the pool; the next query makes a
  // new one. Without a listener the error would end the process.
  pool.on('error', () => {});
  // Connecting is where an unreachable or saturated database shows: that failure is storage's own type.
  const guarded: PostgresPool = {
    options: pool.options,
    connect: async () => {
      const client = await pool.connect().catch((err: unknown) => {
        throw new DatabaseUnavailableError({ cause: err });
      });
      return dropWhenLost(client);
    },
    end: () => pool.end(),
  };
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: guarded }) });
  return {
    kind: 'postgres',
    db,
    pool,
    events: new PostgresEventLog(db),
    async check() {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
