// createApp(deps): builds the HTTP app, the socket.io server and the domain objects from the parts it is given.
// It never listens; main.ts (or a test) does.
import fs from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { Server as IoServer } from 'socket.io';
import type { BlobStore } from '../storage/blobs/blob-store.ts';
import type { Db } from '../storage/db/index.ts';
import { Accounts } from './accounts/senders.ts';
import type { Config } from './config.ts';
import type { Converter } from './conversion/converter.ts';
import { Ingest } from './conversion/ingest.ts';
import { Documents } from './documents/documents.ts';
import { Links } from './documents/links.ts';
import { activityRoutes } from './http/activity.ts';
import { assetRoutes } from './http/assets.ts';
import { documentRoutes } from './http/documents.ts';
import { errorHandler, notFoundHandler } from './http/errors.ts';
import { healthRoutes } from './http/health.ts';
import { linkRoutes } from './http/links.ts';
import { dashboardPage } from './http/pages.ts';
import { requestLog } from './http/request-log.ts';
import { baseHeaders, sendPage } from './http/security.ts';
import { sessionRoutes } from './http/session.ts';
import { viewerRoutes } from './http/viewer.ts';
import { DomainEvents } from './events.ts';
import { category, type Logger } from './logger.ts';
import { FeedHub } from './realtime/feed.ts';
import { PresenceBoard } from './realtime/presence.ts';
import { attachViewer, dropViewers } from './realtime/viewer.ts';
import { fastGeoIp, type GeoLookup } from './tracking/enrich.ts';
import { EventStore } from './tracking/event-store.ts';
import { Tracker } from './tracking/tracker.ts';

export interface AppDeps {
  config: Config;
  logger: Logger;
  db: Db;
  blobs: BlobStore;
  converter: Converter;
  geo?: GeoLookup;
  /** The server to answer on (a test's, already listening on its random port); made here when absent. */
  httpServer?: HttpServer;
}

export interface App {
  app: express.Express;
  httpServer: HttpServer;
  io: IoServer;
  accounts: Accounts;
  ingest: Ingest;
  events: EventStore;
  /** Stop in order: no new requests, drain conversions and event writes, close sockets. The caller closes db and converter. */
  close(graceMs?: number): Promise<void>;
}

const ASSETS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../viewer/public/build');

export function createApp(deps: AppDeps): App {
  const { config, logger, db, blobs, converter } = deps;
  const tmpDir = path.join(config.dataDir, 'tmp');
  fs.mkdirSync(tmpDir, { recursive: true });

  const app = express();
  const httpServer = deps.httpServer ?? createServer();
  httpServer.on('request', app);
  const io = new IoServer(httpServer, { maxHttpBufferSize: 16 * 1024, serveClient: false, cors: { origin: false } });
  const rt = category(logger, 'realtime');

  const accounts = new Accounts(db, { sessionTtlHours: config.SESSION_TTL_HOURS });
  const bus = new DomainEvents();
  const documents = new Documents(db, blobs, bus);
  const links = new Links(db, config.publicUrl, bus);
  const events = new EventStore(db, bus);
  const presence = new PresenceBoard(bus);
  const feed = new FeedHub({ accounts, events, presence, logger: rt });
  const tracker = new Tracker({ db, store: events, geo: deps.geo ?? fastGeoIp(), eventsPer10s: config.VIEWER_EVENTS_PER_10S });
  const ingest = new Ingest({
    db, blobs, converter, bus, logger: category(logger, 'convert'), tmpDir, qpdfPath: config.QPDF_PATH, pdftoppmPath: config.PDFTOPPM_PATH, queueMax: config.CONVERT_QUEUE_MAX,
  });

  const viewerNsp = attachViewer(io, { accounts, links, tracker, presence, logger: rt, trustProxy: config.TRUST_PROXY, visitsPerMinute: config.VIEWER_VISITS_PER_MINUTE });
  feed.attach(io);
  bus.subscribe({
    'event:stored': ({ senderId, event }) => feed.publish(senderId, event),
    'presence:changed': ({ senderId, kind, presence: p }) => feed.presenceChanged(senderId, kind, p),
    'document:updated': ({ senderId, document }) => feed.documentUpdated(senderId, document),
    'document:deleted': ({ documentId }) => dropViewers(viewerNsp, `doc:${documentId}`),
    'link:revoked': ({ linkId }) => dropViewers(viewerNsp, `link:${linkId}`),
  });

  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  app.use(requestLog(category(logger, 'http')), baseHeaders());
  app.use(healthRoutes({ db, blobs, converter }));
  app.use('/assets', assetRoutes(ASSETS));
  app.get('/', (_req, res) => sendPage(res, 200, dashboardPage()));
  app.use(viewerRoutes({ links, blobs, tracker, accounts, trustProxy: config.TRUST_PROXY }));
  app.use('/api', express.json({ limit: '64kb' }));
  app.use(sessionRoutes(accounts, { secureCookies: config.publicUrl.startsWith('https:'), ttlHours: config.SESSION_TTL_HOURS, attemptsPerMinute: config.SIGNIN_ATTEMPTS_PER_MINUTE }));
  app.use(documentRoutes({ config, accounts, documents, ingest, blobs, tmpDir, }));
  app.use(linkRoutes({ accounts, documents, links }));
  app.use(activityRoutes({ db, accounts, documents, events }));
  app.use(notFoundHandler());
  app.use(errorHandler(category(logger, 'http')));

  async function close(graceMs = config.SHUTDOWN_GRACE_MS): Promise<void> {
    const stopped = new Promise<void>((r) => httpServer.close(() => r()));
    httpServer.closeIdleConnections();
    await ingest.drain(graceMs);
    await events.drain();
    await io.close();
    httpServer.closeAllConnections();
    await stopped;
  }

  return { app, httpServer, io, accounts, ingest, events, close };
}
