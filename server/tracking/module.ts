// Reading: the reader's page, file, download and beacon; the /viewer namespace; what recipients did (events,
// analytics, visits). Readers of a deleted document or a revoked link are turned away at once.
import { Router } from 'express';
import type { Feature } from '../feature-module.ts';
import { activityRoutes } from '../http/activity.ts';
import { viewerRoutes } from '../http/viewer.ts';
import { category } from '../logger.ts';
import { attachViewer, dropViewers } from '../realtime/viewer.ts';

export const trackingModule: Feature = ({
  config,
  logger,
  io,
  db,
  blobs,
  accounts,
  documents,
  links,
  tracker,
  presence,
  events,
  visitLimiter,
  access,
}) => {
  const namespace = attachViewer(io, {
    accounts,
    links,
    tracker,
    presence,
    logger: category(logger, 'realtime'),
    trustProxy: config.TRUST_PROXY,
    visitLimiter,
    access,
  });
  const routes = Router();
  routes.use(
    viewerRoutes({
      links,
      blobs,
      tracker,
      accounts,
      trustProxy: config.TRUST_PROXY,
      visitLimiter,
      secureCookies: config.publicUrl.startsWith('https:'),
      access,
    }),
  );
  routes.use(activityRoutes({ db, accounts, documents, events }));
  return {
    name: 'tracking',
    routes,
    namespace,
    subscriptions: {
      'document:deleted': ({ documentId }) => dropViewers(namespace, `doc:${documentId}`),
      'link:revoked': ({ linkId }) => dropViewers(namespace, `link:${linkId}`),
    },
    // Events read from the sockets are stored (and acknowledged) before the sockets close.
    close: () => events.drain(),
  };
};
