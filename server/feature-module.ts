// A feature as createApp mounts it: its HTTP routes, its socket namespace, what it listens to on the domain bus,
// and how it stops. A new feature is one folder with a module.ts and one line in app.ts's list.
import type { Router } from 'express';
import type { Namespace, Server as IoServer } from 'socket.io';
import type { BlobStore } from '../storage/blobs/blob-store.ts';
import type { DatabaseAdapter, Db } from '../storage/db/index.ts';
import type { LinkAccessParts } from './access/access.ts';
import type { Accounts } from './accounts/senders.ts';
import type { Config } from './config.ts';
import type { Converter } from './conversion/converter.ts';
import type { Ingest } from './conversion/ingest.ts';
import type { ConversionQueue } from './conversion/queue.ts';
import type { Documents } from './documents/documents.ts';
import type { Links } from './documents/links.ts';
import type { DomainEvents, Subscriptions } from './events.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import type { PresenceBoard } from './realtime/presence.ts';
import type { KeyedLimit, LimitFactory } from './rate-limit.ts';
import type { GeoLookup } from './tracking/enrich.ts';
import type { EventStore } from './tracking/event-store.ts';
import type { Tracker } from './tracking/tracker.ts';

/** What every feature may use: the parts createApp was given and the domain built once from them. */
export interface AppContext {
  config: Config;
  logger: Logger;
  db: Db;
  /** The adapter behind db (its health check). */
  database: DatabaseAdapter;
  blobs: BlobStore;
  converter: Converter;
  io: IoServer;
  bus: DomainEvents;
  /** Upload and conversion temp files. */
  tmpDir: string;
  accounts: Accounts;
  documents: Documents;
  links: Links;
  ingest: Ingest;
  events: EventStore;
  tracker: Tracker;
  /** Place from an address (offline GeoLite2 by default). */
  geo: GeoLookup;
  presence: PresenceBoard;
  /** New reader visits per address, shared by the viewer socket and downloads. */
  visitLimiter: KeyedLimit;
  /** Link access: gates, passes and file tokens, per-sender defaults. */
  access: LinkAccessParts;
  /** Makes a named rate limit (in memory, or shared through Redis). */
  limits: LimitFactory;
  /** CONVERT_MODE=queue: the conversion queue the workers take jobs from; null when this process converts. */
  queue: ConversionQueue | null;
  /** This instance's Prometheus metrics (served at /metrics with METRICS_TOKEN). */
  metrics: Metrics;
  /** Other instances share the realtime adapter: stored events are relayed to their feeds. */
  relay: boolean;
}

export interface FeatureModule {
  name: string;
  /** Mounted in list order, after the shared middleware (request log, headers, JSON bodies under /api). */
  routes?: Router;
  /** Its socket.io namespace, made on ctx.io. */
  namespace?: Namespace;
  /** Listeners on the domain bus, subscribed once every module is made. */
  subscriptions?: Subscriptions;
  /** Lets in-flight work finish, up to `graceMs`; called in list order on shutdown, before sockets close. */
  close?(graceMs: number): Promise<void>;
}

export type Feature = (ctx: AppContext) => FeatureModule;
