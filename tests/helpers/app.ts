// Starts the real app (real SQLite, blobs from the configuration: local unless env says STORAGE=s3, a real converter) on 127.0.0.1 and a random port.
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
import { openDatabase, type Db } from '../../storage/db/index.ts';

export interface TestApp {
  url: string;
  config: Config;
  app: App;
  db: Db;
  blobs: BlobStore;
  dataDir: string;
  converter: Converter;
  /** A new sender with an API token. */
  sender(email?: string): Promise<{ id: string; email: string; token: string; password: string }>;
  /** Files left in the upload/conversion temp directory. */
  tempFiles(): Promise<string[]>;
  close(): Promise<void>;
}

export type TestSender = Awaited<ReturnType<TestApp['sender']>>;

let counter = 0;

export async function startApp(
  env: Record<string, string> = {},
  opts: { converter?: Converter; logger?: Logger } = {},
): Promise<TestApp> {
  // Listening first, so the links handed out can point at this server's random port. Request deadlines are
  // checked each second, as on the service's own server (createApp sets the deadlines themselves).
  const httpServer = createServer({ connectionsCheckingInterval: 1000 });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const config = loadConfig({
    DATA_DIR: await fs.mkdtemp(path.join(os.tmpdir(), 'pagetrail-test-')),
    HOST: '127.0.0.1',
    PORT: '0',
    PUBLIC_URL: url,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // A cold soffice on a loaded machine can pass the service's 60 s default; tests about deadlines set their own.
    CONVERT_TIMEOUT_MS: '150000',
    CONVERT_START_TIMEOUT_MS: '120000',
    ...env,
  });
  const dataDir = config.dataDir;
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const db = await openDatabase({ dataDir });
  const blobs = await createBlobStore(config);
  const converter = opts.converter ?? createConverter(config, logger);
  // With REDIS_URL the app shares realtime, presence and limits through Redis, as main.ts sets it up.
  const shared = await openShared(config, logger);
  const app = createApp({ config, logger, db, blobs, converter, httpServer, shared });
  return {
    url,
    config,
    app,
    db,
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
    async close() {
      await app.close(2000);
      await shared?.close();
      await converter.close(2000);
      await blobs.close();
      await db.destroy();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls a document until it leaves `processing`. The bound is past the service's own conversion deadline (60 s),
 * with room for waiting in line on a slow machine, so a stuck document is told apart from a slow one. */
export async function waitReady(
  t: TestApp,
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
export async function uploadReady(t: TestApp, token: string, body: Buffer, name: string): Promise<string> {
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
export async function createLink(t: TestApp, token: string, docId: string, body: object = {}): Promise<TestLink> {
  const res = await fetch(`${t.url}/api/documents/${docId}/links`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`link for ${docId} answered ${res.status}: ${await res.text()}`);
  const link = (await res.json()) as { id: string; url: string };
  return { ...link, token: link.url.split('/v/')[1]! };
}
