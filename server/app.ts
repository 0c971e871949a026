// createApp(deps): builds the domain from the parts it is given, then mounts the feature modules in a list.
// It never listens; main.ts (or a test) does.
import fs from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import path from 'node:path';
import express from 'express';
import { Server as IoServer, type ServerOptions } from 'socket.io';
import type { BlobStore } from '../storage/blobs/blob-store.ts';
import type { DatabaseAdapter } from '../storage/db/index.ts';
import { LINK_TOKENS, Sealer } from '../storage/sealer.ts';
import { buildAccess } from './access/access.ts';
import { accessModule } from './access/module.ts';
import { accountsModule } from './accounts/module.ts';
import { Accounts } from './accounts/senders.ts';
import type { Config } from './config.ts';
import type { Converter } from './conversion/converter.ts';
import { Ingest } from './conversion/ingest.ts';
import { Documents } from './documents/documents.ts';
import { Links } from './documents/links.ts';
import { documentsModule } from './documents/module.ts';
import { DomainEvents } from './events.ts';
import type { AppContext, Feature } from './feature-module.ts';
import { errorHandler, notFoundHandler } from './http/errors.ts';
import { siteModule } from './http/module.ts';
import { requestLog } from './http/request-log.ts';
import { baseHeaders } from './http/security.ts';
import { category, type Logger } from './logger.ts';
import { Metrics } from './metrics.ts';
import { type MailFeature, type MailModule, mailModule } from './mail/module.ts';
import { notifyModule } from './notify/module.ts';
import { feedModule } from './realtime/module.ts';
import { allowOrigin } from './realtime/origin.ts';
import { PresenceBoard } from './realtime/presence.ts';
import { type RepliesFeature, type RepliesModule, repliesModule } from './replies/module.ts';
import { fastGeoIp, type GeoLookup } from './tracking/enrich.ts';
import { EventStore } from './tracking/event-store.ts';
import { type FailureFactory, memoryFailures, memoryLimits, type LimitFactory } from './rate-limit.ts';
import type { PresenceStore } from './realtime/presence.ts';
import type { ConversionQueue } from './conversion/queue.ts';
import { signalsModule } from './signals/module.ts';
import { trackingModule } from './tracking/module.ts';
import { Tracker } from './tracking/tracker.ts';

/** The features, mounted (routes) and closed (shutdown) in this order. */
const FEATURES: Feature[] = [
  siteModule,
  accountsModule,
  mailModule,
  signalsModule,
  repliesModule,
  documentsModule,
  accessModule,
  trackingModule,
  notifyModule,
  feedModule,
];

export interface AppDeps {
  config: Config;
  logger: Logger;
  /** The query builder, event log and health check of the configured database (storage/db openDatabase). */
  database: DatabaseAdapter;
  blobs: BlobStore;
  converter: Converter;
  geo?: GeoLookup;
  /** The server to answer on (a test's, already listening on its random port); made here when absent. */
  httpServer?: HttpServer;
  /** Several instances (REDIS_URL): what they share, from boot.ts's openShared. Absent: all in this process. */
  shared?: SharedParts | null;
}

export interface SharedParts {
  /** The socket.io adapter: room emits and disconnects reach every instance's sockets. */
  adapter: NonNullable<ServerOptions['adapter']>;
  limits: LimitFactory;
  failures: FailureFactory;
  presence: PresenceStore;
  presenceTtlMs: number;
  /** CONVERT_MODE=queue: conversions go to workers. */
  queue: ConversionQueue | null;
  /** Closed by the caller, after the app. */
  close(): Promise<void>;
}

export interface App {
  app: express.Express;
  httpServer: HttpServer;
  io: IoServer;
  bus: DomainEvents;
  accounts: Accounts;
  ingest: Ingest;
  events: EventStore;
  tracker: Tracker;
  /** Email out: the SMTP relay (started by main.ts or a test) and the message service. */
  mail: MailFeature;
  /** Replies: the inbound service and the IMAP poller (started by main.ts or a test). */
  replies: RepliesFeature;
  /** Stop in order: no new requests, let each feature finish its work (conversions, event writes), close sockets.
   * The caller closes the database and converter. */
  close(graceMs?: number): Promise<void>;
}

/** The domain objects, built once and shared by the features. */
function buildContext(deps: AppDeps, io: IoServer): AppContext {
  const { config, logger, database, blobs, converter } = deps;
  const { db } = database;
  const shared = deps.shared ?? null;
  const limits = shared?.limits ?? memoryLimits;
  const tmpDir = path.join(config.dataDir, 'tmp');
  fs.mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
  const bus = new DomainEvents();
  const events = new EventStore(db, database.events, bus);
  const accounts = new Accounts(db, {
    sessionTtlHours: config.SESSION_TTL_HOURS,
    selfAddressDays: config.SELF_ADDRESS_DAYS,
  });
  const geo = deps.geo ?? fastGeoIp();
  return {
    config,
    logger,
    db,
    database,
    blobs,
    converter,
    io,
    bus,
    tmpDir,
    events,
    accounts,
    geo,
    documents: new Documents(db, blobs, bus),
    links: new Links(db, config.publicUrl, Sealer.forDataDir(config.dataDir, LINK_TOKENS), bus),
    presence: new PresenceBoard(
      bus,
      shared
        ? { store: shared.presence, ttlMs: shared.presenceTtlMs, logger: category(logger, 'realtime') }
        : undefined,
    ),
    limits,
    relay: Boolean(shared),
    queue: shared?.queue ?? null,
    metrics: new Metrics({
      sockets: () => ({ viewer: io.of('/viewer').sockets.size, feed: io.of('/feed').sockets.size }),
      queue: shared?.queue ? () => shared.queue!.counts() : undefined,
    }),
    tracker: new Tracker({
      db,
      store: events,
      geo,
      isOwn: (senderId, client) => accounts.own.isOwn(senderId, client),
      eventsPer10s: config.VIEWER_EVENTS_PER_10S,
      visitReuseMinutes: config.VISIT_REUSE_MINUTES,
      keepIpAddresses: config.KEEP_IP_ADDRESSES,
      bus,
    }),
    visitLimiter: limits('visits', config.VIEWER_VISITS_PER_MINUTE, 60_000),
    access: buildAccess({
      config,
      db,
      events,
      logger: category(logger, 'http'),
      limits,
      failures: shared?.failures ?? memoryFailures,
    }),
    ingest: new Ingest({
      db,
      blobs,
      converter,
      bus,
      logger: category(logger, 'convert'),
      tmpDir,
      qpdfPath: config.QPDF_PATH,
      pdftoppmPath: config.PDFTOPPM_PATH,
      pageThumbnailsMax: config.PAGE_THUMBNAILS_MAX,
      queueMax: config.CONVERT_QUEUE_MAX,
      admission: {
        total: config.CONVERT_POOL_SIZE + config.CONVERT_QUEUE_MAX,
        perSender: config.CONVERT_QUEUE_PER_SENDER,
      },
      quota: { documentsPerHour: config.UPLOAD_DOCUMENTS_PER_HOUR, bytesPerDay: config.UPLOAD_BYTES_PER_DAY },
      inspectLimits: { maxPages: config.PDF_MAX_PAGES, timeoutMs: config.PDF_INSPECT_TIMEOUT_MS },
      queue: shared?.queue ?? null,
    }),
  };
}

export function createApp(deps: AppDeps): App {
  const { config, logger } = deps;
  const app = express();
  // Slow clients may not hold a connection open forever: headers and whole requests have deadlines (checked each
  // second; a server made elsewhere sets connectionsCheckingInterval itself, see tests/helpers/app.ts).
  const timeouts = { headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS, requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS };
  const httpServer = deps.httpServer ?? createServer({ ...timeouts, connectionsCheckingInterval: 1000 });
  Object.assign(httpServer, timeouts);
  httpServer.on('request', app);
  const io = new IoServer(httpServer, {
    maxHttpBufferSize: 16 * 1024,
    serveClient: false,
    cors: { origin: false },
    allowRequest: allowOrigin(config.publicUrl),
    // Rooms on every instance (REDIS_URL). Our browser code connects with websocket first, so no sticky sessions.
    ...(deps.shared ? { adapter: deps.shared.adapter } : {}),
  });
  const ctx = buildContext(deps, io);
  const modules = FEATURES.map((feature) => feature(ctx));
  const mail = (modules.find((m) => m.name === 'mail') as MailModule).mail;
  const replies = (modules.find((m) => m.name === 'replies') as RepliesModule).replies;
  const unsubscribe = modules.map((m) => ctx.bus.subscribe(m.subscriptions ?? {}));

  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  app.use(requestLog(category(logger, 'http')), ctx.metrics.http(), baseHeaders(config.publicUrl));
  app.use('/api', express.json({ limit: '64kb' }));
  for (const m of modules) if (m.routes) app.use(m.routes);
  app.use(notFoundHandler());
  app.use(errorHandler(category(logger, 'http')));

  async function close(graceMs = config.SHUTDOWN_GRACE_MS): Promise<void> {
    const stopped = new Promise<void>((r) => httpServer.close(() => r()));
    httpServer.closeIdleConnections();
    for (const m of modules) await m.close?.(graceMs);
    await io.close();
    ctx.presence.close();
    for (const off of unsubscribe) off();
    httpServer.closeAllConnections();
    await stopped;
  }

  return {
    app,
    httpServer,
    io,
    bus: ctx.bus,
    accounts: ctx.accounts,
    ingest: ctx.ingest,
    events: ctx.events,
    tracker: ctx.tracker,
    mail,
    replies,
    close,
  };
}
