// Email signals, as the feature createApp mounts: the open pixel and click redirects under PUBLIC_URL/e/, judged
// machine or person, the sender's own left apart. Events go through the event store (stored, then published).
import { Router } from 'express';
import type { Feature } from '../feature-module.ts';
import { emailSignalRoutes } from '../http/email-signals.ts';
import { category } from '../logger.ts';
import { KeyedRateLimiter } from '../rate-limit.ts';
import { CopyDirectory } from './copies.ts';
import { appleAddresses } from './machine.ts';
import { NoInputRule } from './no-input.ts';
import { SignalRecorder } from './recorder.ts';

export const signalsModule: Feature = ({ config, logger, db, accounts, events, geo }) => {
  const log = category(logger, 'tracking');
  const apple = appleAddresses(config.APPLE_PRIVATE_RELAY_RANGES);
  if (config.APPLE_PRIVATE_RELAY_RANGES) log.info({ ranges: apple.ranges }, "Apple's egress ranges loaded");
  const recorder = new SignalRecorder({
    copies: new CopyDirectory(db),
    events,
    geo,
    own: accounts.own,
    isAppleAddress: apple.has,
    scanWindowMs: config.MAIL_SCAN_WINDOW_SECONDS * 1000,
  });
  const noInput = new NoInputRule({ db, events, scanWindowMs: config.MAIL_SCAN_WINDOW_SECONDS * 1000 });
  const routes = Router();
  routes.use(
    emailSignalRoutes({
      accounts,
      recorder,
      limiter: new KeyedRateLimiter(config.MAIL_SIGNALS_PER_MINUTE, 60_000),
      trustProxy: config.TRUST_PROXY,
      logger: log,
    }),
  );
  return {
    name: 'signals',
    routes,
    subscriptions: {
      'visit:left': ({ visitId, noInput: none }) => {
        if (!none) return;
        noInput
          .judge(visitId)
          .then((marked) => marked && log.info({ visitId }, 'viewer visit without human input marked automated'))
          .catch((err) => log.warn({ err, visitId }, 'visit not judged for human input'));
      },
    },
    close: () => events.drain(),
  };
};
