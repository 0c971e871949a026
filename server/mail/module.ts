// Email out, as the feature createApp mounts: the message service, its HTTP routes (/api/messages) and the SMTP
// submission relay (started by main.ts or a test, never by createApp); `mail` gives them the relay and the service.
import type { Feature, FeatureModule } from '../feature-module.ts';
import type { BlobStore } from '../../storage/blobs/blob-store.ts';
import type { Db } from '../../storage/db/index.ts';
import { COPY_TOKENS, Sealer } from '../../storage/sealer.ts';
import type { Accounts } from '../accounts/senders.ts';
import type { Config } from '../config.ts';
import type { Ingest } from '../conversion/ingest.ts';
import type { Links } from '../documents/links.ts';
import { composeRoutes } from '../http/compose.ts';
import { mailSettingsRoutes } from '../http/mail-settings.ts';
import { messageRoutes } from '../http/messages.ts';
import { Router } from 'express';
import { category, type Logger } from '../logger.ts';
import type { DomainEvents } from '../events.ts';
import type { EventStore } from '../tracking/event-store.ts';
import { MailService } from './service.ts';
import { SmtpRelay } from './smtp/relay.ts';
import { MessageStore } from './store.ts';
import { smtpUpstream, type Upstream } from './upstream.ts';

export interface MailDeps {
  config: Config;
  logger: Logger;
  db: Db;
  blobs: BlobStore;
  accounts: Accounts;
  links: Links;
  ingest: Ingest;
  events: EventStore;
  bus: DomainEvents;
  tmpDir: string;
  /** Replaces the SMTP_UPSTREAM_URL transport (benchmarks); null means none configured. */
  upstream?: Upstream | null;
}

export interface MailFeature {
  router: Router;
  service: MailService;
  store: MessageStore;
  relay: {
    /** Listens on `port` (0: a free one) and, when configured, the implicit-TLS port; resolves the ports bound. */
    start(port?: number, host?: string): Promise<{ port: number; tlsPort: number | null }>;
    close(): Promise<void>;
  };
  close(graceMs?: number): Promise<void>;
}

export function createMail(d: MailDeps): MailFeature {
  const { config } = d;
  const log = category(d.logger, 'mail');
  const upstream =
    d.upstream !== undefined ? d.upstream : config.SMTP_UPSTREAM_URL ? smtpUpstream(config.SMTP_UPSTREAM_URL) : null;
  const store = new MessageStore(d.db, d.links, Sealer.forDataDir(config.dataDir, COPY_TOKENS));
  const service = new MailService({
    db: d.db,
    accounts: d.accounts,
    store,
    links: d.links,
    ingest: d.ingest,
    events: d.events,
    bus: d.bus,
    upstream,
    logger: log,
    tmpDir: d.tmpDir,
    publicUrl: () => config.publicUrl,
    zipLimits: {
      maxEntries: config.ZIP_MAX_ENTRIES,
      maxUncompressedBytes: config.ZIP_MAX_UNCOMPRESSED_BYTES,
      maxRatio: config.ZIP_MAX_RATIO,
    },
    maxAttachmentBytes: config.MAX_UPLOAD_BYTES,
    maxRecipients: config.MAIL_MAX_RECIPIENTS,
    messagesPerHour: config.MAIL_MESSAGES_PER_HOUR,
    recipientsPerHour: config.MAIL_RECIPIENTS_PER_HOUR,
  });
  const router = Router();
  router.use(
    composeRoutes({
      accounts: d.accounts,
      service,
      store,
      links: d.links,
      tmpDir: d.tmpDir,
      maxUploadBytes: config.MAX_UPLOAD_BYTES,
      maxMessageBytes: config.MAX_MESSAGE_BYTES,
    }),
  );
  router.use(mailSettingsRoutes({ accounts: d.accounts }));
  router.use(
    messageRoutes({
      accounts: d.accounts,
      service,
      store,
      links: d.links,
      blobs: d.blobs,
      tmpDir: d.tmpDir,
      maxMessageBytes: config.MAX_MESSAGE_BYTES,
    }),
  );
  const relay = new SmtpRelay({
    accounts: d.accounts,
    service,
    logger: log,
    tmpDir: d.tmpDir,
    maxMessageBytes: config.MAX_MESSAGE_BYTES,
    maxRecipients: config.MAIL_MAX_RECIPIENTS,
    allowInsecureAuth: config.SMTP_ALLOW_INSECURE_AUTH,
    tlsCertPath: config.SMTP_TLS_CERT,
    tlsKeyPath: config.SMTP_TLS_KEY,
    closeTimeoutMs: config.SHUTDOWN_GRACE_MS,
  });
  if (!upstream) log.warn('SMTP_UPSTREAM_URL is not set: messages can be previewed but not sent');

  return {
    router,
    service,
    store,
    relay: {
      async start(port = config.SMTP_RELAY_PORT, host = config.HOST) {
        const bound = await relay.listen(port, host);
        const tlsPort =
          config.SMTP_RELAY_TLS_PORT === undefined
            ? null
            : await relay.listen(config.SMTP_RELAY_TLS_PORT, host, { secure: true });
        log.info(
          { host, smtpPort: bound, smtpTlsPort: tlsPort, starttls: Boolean(config.SMTP_TLS_CERT) },
          `SMTP relay listening on ${host}:${bound}`,
        );
        return { port: bound, tlsPort };
      },
      close: () => relay.close(),
    },
    async close() {
      await relay.close();
      upstream?.close();
    },
  };
}

export interface MailModule extends FeatureModule {
  mail: MailFeature;
}

export const mailModule: Feature = (ctx): MailModule => {
  const mail = createMail(ctx);
  return { name: 'mail', routes: mail.router, close: () => mail.close(), mail };
};
