// Replies, as the feature createApp mounts: POST /api/inbound, the mailbox settings API, and the IMAP poller
// (started by main.ts or a test, like the SMTP relay; stopped on close). Both inputs go through one InboundService.
import { Router } from 'express';
import { MAILBOX_PASSWORDS, Sealer } from '../../storage/sealer.ts';
import type { Feature, FeatureModule } from '../feature-module.ts';
import { inboundRoutes } from '../http/inbound.ts';
import { mailboxRoutes } from '../http/mailbox.ts';
import { category } from '../logger.ts';
import { MailboxPoller } from '../mail/imap/poller.ts';
import { InboundService } from './inbound.ts';
import { Mailboxes } from './mailboxes.ts';
import { Threads } from './threads.ts';

export interface RepliesFeature {
  inbound: InboundService;
  mailboxes: Mailboxes;
  poller: MailboxPoller;
}

export interface RepliesModule extends FeatureModule {
  replies: RepliesFeature;
}

export const repliesModule: Feature = (ctx): RepliesModule => {
  const { config } = ctx;
  const log = category(ctx.logger, 'mail');
  const threads = new Threads(ctx.db);
  const mailboxes = new Mailboxes(ctx.db, Sealer.forDataDir(config.dataDir, MAILBOX_PASSWORDS));
  const inbound = new InboundService({
    threads,
    events: ctx.events,
    bus: ctx.bus,
    logger: log,
    authservId: config.INBOUND_AUTHSERV_ID,
  });
  const poller = new MailboxPoller({
    mailboxes,
    threads,
    inbound,
    logger: log,
    allowPrivate: config.IMAP_ALLOW_PRIVATE,
    pollIntervalMs: config.IMAP_POLL_INTERVAL_MS,
    backoffMaxMs: config.IMAP_BACKOFF_MAX_MS,
    connectTimeoutMs: config.IMAP_CONNECT_TIMEOUT_MS,
    maxBytes: config.INBOUND_MAX_BYTES,
  });
  const routes = Router();
  routes.use(
    inboundRoutes({
      accounts: ctx.accounts,
      inbound,
      maxBytes: config.INBOUND_MAX_BYTES,
      perMinute: config.INBOUND_PER_MINUTE,
    }),
  );
  routes.use(
    mailboxRoutes({ accounts: ctx.accounts, mailboxes, bus: ctx.bus, allowPrivate: config.IMAP_ALLOW_PRIVATE }),
  );
  return {
    name: 'replies',
    routes,
    subscriptions: { 'mailbox:changed': ({ senderId }) => void poller.reload(senderId) },
    close: () => poller.close(),
    replies: { inbound, mailboxes, poller },
  };
};
