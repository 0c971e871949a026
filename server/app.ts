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
import { LINK_TOKENS, Sealer } from '../storage/sealer.ts';
import { Accounts } from './accounts/senders.ts';
import type { Config } from './config.ts';
import type { Converter } from './conversion/converter.ts';
import { Ingest } from './conversion/ingest.ts';
import { documentJson, Documents } from './documents/documents.ts';
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
import { tokenRoutes } from './http/tokens.ts';
import { viewerRoutes } from './http/viewer.ts';
import { category, type Logger } from './logger.ts';
import { FeedHub } from './realtime/feed.ts';
import { allowOrigin } from './realtime/origin.ts';
import { PresenceBoard } from './realtime/presence.ts';
import { attachViewer, dropViewers } from './realtime/viewer.ts';
import { fastGeoIp, type GeoLookup } from './tracking/enrich.ts';
import { EventStore } from './tracking/event-store.ts';
import { KeyedRateLimiter } from './tracking/rate-limit.ts';
import { Tracker } from './tracking/tracker.ts';

export interface AppDeps {
  config: Config;
  logger: Logger;
  db: Db;
  blobs: BlobStore;
  converter: Converter;
  geo?: GeoLookup;
}

export interface App {
  app: express.Express;
  httpServer: HttpServer;
  io: IoServer;
  accounts: Accounts;
  ingest: Ingest;
  events: EventStore;
  tracker: Tracker;
  /** Stop in order: no new requests, drain conversions and event writes, close sockets. The caller closes db and converter. */
  close(graceMs?: number): Promise<void>;
}

const ASSETS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../viewer/public/build');

export function createApp(deps: AppDeps): App {
  const { config, logger, db, blobs, converter } = deps;
  const tmpDir = path.join(config.dataDir, 'tmp');
  fs.mkdirSync(tmpDir, { recursive: true, mode: 0o700 });

  const app = express();
  // Slow clients may not hold a connection open forever: headers and whole requests have deadlines (checked each second).
  const httpServer = createServer({ headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS, requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1000 }, app);
  const publicUrl = () => config.publicUrl;
  const io = new IoServer(httpServer, { maxHttpBufferSize: 16 * 1024, serveClient: false, cors: { origin: false }, allowRequest: allowOrigin(publicUrl) });
  const rt = category(logger, 'realtime');

  const accounts = new Accounts(db, { sessionTtlHours: config.SESSION_TTL_HOURS });
  const documents = new Documents(db, blobs);
  const links = new Links(db, () => config.publicUrl, Sealer.forDataDir(config.dataDir, LINK_TOKENS));
  // The store publishes to the feed, and the feed replays from the store.
  const events: EventStore = new EventStore(db, (senderId, e) => feed.publish(senderId, e));
  const presence = new PresenceBoard((senderId, kind, p) => feed.presenceChanged(senderId, kind, p));
  const feed = new FeedHub({ accounts, events, presence, logger: rt, publicUrl });
  const tracker = new Tracker({ db, store: events, geo: deps.geo ?? fastGeoIp(), eventsPer10s: config.VIEWER_EVENTS_PER_10S, visitReuseMinutes: config.VISIT_REUSE_MINUTES });
  const visitLimiter = new KeyedRateLimiter(config.VIEWER_VISITS_PER_MINUTE, 60_000);
  const ingest = new Ingest({
    db, blobs, converter, logger: category(logger, 'convert'), tmpDir, qpdfPath: config.QPDF_PATH, pdftoppmPath: config.PDFTOPPM_PATH, queueMax: config.CONVERT_QUEUE_MAX,
    onUpdate: (doc) => feed.documentUpdated(doc.sender_id, { id: doc.id, status: doc.status, pageCount: documentJson(doc).pageCount }),
  });

  const viewerNsp = attachViewer(io, { accounts, links, tracker, presence, logger: rt, trustProxy: config.TRUST_PROXY, visitLimiter });
  feed.attach(io);

  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  app.use(requestLog(category(logger, 'http')), baseHeaders(publicUrl));
  app.use(healthRoutes({ db, blobs, converter }));
  app.use('/assets', assetRoutes(ASSETS, { sourceMaps: config.SERVE_SOURCE_MAPS }));
  app.get('/', (_req, res) => sendPage(res, 200, dashboardPage()));
  app.use(viewerRoutes({ links, blobs, tracker, accounts, trustProxy: config.TRUST_PROXY, visitLimiter }));
  app.use('/api', express.json({ limit: '64kb' }));
  app.use(sessionRoutes(accounts, { secureCookies: config.publicUrl.startsWith('https:'), ttlHours: config.SESSION_TTL_HOURS, attemptsPerMinute: config.SIGNIN_ATTEMPTS_PER_MINUTE, onSignedOut: (senderId, hash) => feed.dropCredential(senderId, hash) }));
  app.use(tokenRoutes({ accounts, onRevoked: (senderId, tokenId) => feed.dropCredential(senderId, tokenId) }));
  app.use(documentRoutes({ config, accounts, documents, ingest, blobs, tmpDir, onDeleted: (id) => dropViewers(viewerNsp, `doc:${id}`) }));
  app.use(linkRoutes({ accounts, documents, links, onRevoked: (id) => dropViewers(viewerNsp, `link:${id}`) }));
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

  return { app, httpServer, io, accounts, ingest, events, tracker, close };
}
