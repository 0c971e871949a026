// Starts the real app on 127.0.0.1 and a random port: the database and blobs from the configuration (SQLite and local
// disk unless the env argument or the process environment sets DATABASE_URL / STORAGE=s3), a real converter. With
// DATABASE_URL each app gets a fresh database on that server, dropped when the app closes.
import fs from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createApp, type App } from '../../server/app.ts';
import { openShared } from '../../server/boot.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import type { Converter } from '../../server/conversion/converter.ts';
import { createConverter } from '../../server/conversion/index.ts';
import { createLogger, type Logger } from '../../server/logger.ts';
import { createBlobStore, type BlobStore } from '../../storage/blobs/index.ts';
import { openDatabase, type DatabaseAdapter, type Db } from '../../storage/db/index.ts';
import { createTestDatabase, type TestDatabase } from './postgres.ts';

export interface TestApp {
  url: string;
  config: Config;
  app: App;
  db: Db;
  database: DatabaseAdapter;
  blobs: BlobStore;
  dataDir: string;
  converter: Converter;
  /** A new sender with an API token. */
  sender(email?: string): Promise<{ id: string; email: string; token: string; password: string }>;
  /** Files left in the upload/conversion temp directory. */
  tempFiles(): Promise<string[]>;
  /** Stops the app; `keepData` leaves DATA_DIR for another app to start on (a restart). */
  close(opts?: { keepData?: boolean }): Promise<void>;
}

export type TestSender = Awaited<ReturnType<TestApp['sender']>>;

let counter = 0;

/** The PostgreSQL database of each test app's DATA_DIR, until the app closes. */
const postgresOf = new Map<string, TestDatabase>();

const S3_SETTINGS = [
  'STORAGE',
  'S3_BUCKET',
  'AWS_REGION',
  'AWS_ENDPOINT_URL_S3',
  'S3_FORCE_PATH_STYLE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
];

export async function startApp(
  env: Record<string, string> = {},
  opts: { converter?: Converter; logger?: Logger } = {},
): Promise<TestApp> {
  // Listening first, so the links handed out can point at this server's random port. Request deadlines are
  // checked each second, as on the service's own server (createApp sets the deadlines themselves).
  const httpServer = createServer({ connectionsCheckingInterval: 1000 });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const server = env.DATABASE_URL ?? process.env.DATABASE_URL;
  // A restart on the same DATA_DIR (tests of what survives one) finds the same PostgreSQL database again.
  const pg = server
    ? ((env.DATA_DIR ? postgresOf.get(path.resolve(env.DATA_DIR)) : undefined) ?? (await createTestDatabase(server)))
    : null;
  // A whole test file runs on S3 when the process environment says STORAGE=s3 (with its bucket settings).
  const s3 = process.env.STORAGE === 's3' ? Object.fromEntries(S3_SETTINGS.map((k) => [k, process.env[k] ?? ''])) : {};
  const config = loadConfig({
    DATA_DIR: await fs.mkdtemp(path.join(os.tmpdir(), 'pagetrail-test-')),
    HOST: '127.0.0.1',
    PORT: '0',
    PUBLIC_URL: url,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // A cold soffice on a loaded machine can pass the service's 60 s default; tests about deadlines set their own.
    CONVERT_TIMEOUT_MS: '150000',
    CONVERT_START_TIMEOUT_MS: '120000',
    ...s3,
    ...env,
    ...(pg ? { DATABASE_URL: pg.url } : {}),
  });
  const dataDir = config.dataDir;
  if (pg) postgresOf.set(dataDir, pg);
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const database = await openDatabase(config);
  const { db } = database;
  const blobs = await createBlobStore(config);
  const converter = opts.converter ?? createConverter(config, logger);
  // With REDIS_URL the app shares realtime, presence and limits through Redis, as main.ts sets it up.
  const shared = await openShared(config, logger);
  const app = createApp({ config, logger, database, blobs, converter, httpServer, shared });
  return {
    url,
    config,
    app,
    db,
    database,
    blobs,
    dataDir,
    converter,
    async sender(email = `sender${++counter}-${Date.now()}@example.org`) {
      const password = 'correct horse battery';
      const { sender, token } = await app.accounts.createSender(email, password);
      return { ...sender, token, password };
    },
    async tempFiles() {
      return fs.readdir(path.join(dataDir, 'tmp'));
    },
    async close(opts = {}) {
      await app.close(2000);
      await shared?.close();
      await converter.close(2000);
      await blobs.close();
      await database.close();
      if (!opts.keepData) {
        await pg?.drop();
        postgresOf.delete(dataDir);
        await fs.rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Polls a document until it leaves `processing`. The bound is past the service's own conversion deadline (60 s),
 * with room for waiting in line on a slow machine, so a stuck document is told apart from a slow one. */
export async function waitReady(
  t: Pick<TestApp, 'url'>,
  token: string,
  id: string,
  timeoutMs = 180_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${t.url}/api/documents/${id}`, { headers: { authorization: `Bearer ${token}` } });
    const doc = (await res.json()) as Record<string, unknown>;
    if (doc.status !== 'processing') return doc;
    if (Date.now() > deadline) throw new Error(`document ${id} still processing after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Uploads a file as `token`'s sender and waits until it is ready; returns the document id. */
export async function uploadReady(t: Pick<TestApp, 'url'>, token: string, body: Buffer, name: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(body)]), name);
  const res = await fetch(`${t.url}/api/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  if (res.status !== 202) throw new Error(`upload of ${name} answered ${res.status}: ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  const doc = await waitReady(t, token, id);
  if (doc.status !== 'ready') throw new Error(`${name} ended ${String(doc.status)}: ${JSON.stringify(doc.error)}`);
  return id;
}

export interface TestLink {
  id: string;
  url: string;
  /** The link token: the part of the URL after /v/, which the viewer socket authenticates with. */
  token: string;
}

/** Creates a link to a document as `token`'s sender (body as for POST /api/documents/:id/links). */
export async function createLink(
  t: Pick<TestApp, 'url'>,
  token: string,
  docId: string,
  body: object = {},
): Promise<TestLink> {
  const res = await fetch(`${t.url}/api/documents/${docId}/links`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`link for ${docId} answered ${res.status}: ${await res.text()}`);
  const link = (await res.json()) as { id: string; url: string };
  return { ...link, token: link.url.split('/v/')[1]! };
}

/** A stored blob's bytes, from whichever store the app runs on. */
export async function blobBytes(t: TestApp, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await t.blobs.read(key)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
