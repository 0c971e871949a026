// Notifications: webhooks (the API, a queue in the database, signed deliveries), notification emails to the
// sender, and the end of each visit (visit.ended, the visit email). Everything comes off the domain bus; the
// sender's own and automated activity never notifies.
import { Router } from 'express';
import { Sealer } from '../../storage/sealer.ts';
import type { Feature } from '../feature-module.ts';
import { exportRoutes } from '../http/exports.ts';
import { webhookRoutes } from '../http/webhooks.ts';
import { category } from '../logger.ts';
import { scheduleRetention } from '../tracking/retention.ts';
import { NotifyMail } from './notify-mail.ts';
import { VisitReports } from './visit-reports.ts';
import { eventData, webhookTypeOf } from './webhook-types.ts';
import { WebhookQueue } from './webhook-queue.ts';
import { Webhooks } from './webhooks.ts';

export const WEBHOOK_SECRETS = 'webhook secrets';

export const notifyModule: Feature = ({ config, logger, db, bus, accounts, documents, tracker }) => {
  const log = category(logger, 'notify');
  const allowPrivate = config.WEBHOOK_ALLOW_PRIVATE;
  const webhooks = new Webhooks(db, Sealer.forDataDir(config.dataDir, WEBHOOK_SECRETS), { allowPrivate });
  const queue = new WebhookQueue(
    db,
    webhooks,
    log,
    {
      maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: config.WEBHOOK_RETRY_BASE_MS,
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      pollMs: config.WEBHOOK_POLL_MS,
      allowPrivate,
    },
    bus,
  );
  webhooks.onQueued = () => queue.kick();
  const mail = new NotifyMail({
    db,
    log,
    upstreamUrl: config.SMTP_UPSTREAM_URL,
    from: config.NOTIFY_FROM,
    publicUrl: config.publicUrl,
  });
  const reports = new VisitReports({ db, bus, log, gapMs: tracker.visitGapMs, isLive: (id) => tracker.isLive(id) });
  const reportTimer = setInterval(
    () => reports.run().catch((err) => log.error({ err }, 'visit reports failed')),
    config.WEBHOOK_POLL_MS,
  );
  reportTimer.unref();
  queue.start();
  const stopRetention =
    config.RETENTION_DAYS > 0
      ? scheduleRetention(db, config.RETENTION_DAYS, config.RETENTION_SWEEP_MS, category(logger, 'tracking'))
      : async () => {};

  const enqueue = (senderId: string, type: string, data: unknown) =>
    void webhooks.enqueue(senderId, type, data).catch((err) => log.error({ err }, 'webhook not queued'));

  const routes = Router();
  routes.use(webhookRoutes({ db, accounts, webhooks }));
  routes.use(exportRoutes({ db, accounts, documents }));
  return {
    name: 'notify',
    routes,
    subscriptions: {
      'event:stored': ({ senderId, event }) => {
        const type = webhookTypeOf(event);
        if (type) enqueue(senderId, type, eventData(event));
        mail.onEvent(senderId, event);
      },
      'visit:left': ({ senderId, visitId, at }) =>
        void reports.left(senderId, visitId, at).catch((err) => log.debug({ err }, 'visit report not scheduled')),
      'visit:ended': ({ senderId, visit }) => {
        if (visit.self || visit.automated) return;
        enqueue(senderId, 'visit.ended', visit);
        mail.onVisitEnded(senderId, visit);
      },
    },
    async close() {
      clearInterval(reportTimer);
      await Promise.all([queue.close(), mail.close(), stopRetention()]);
    },
  };
};
