// The site: liveness and readiness, metrics, the browser bundles, the dashboard's page.
import { Router } from 'express';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Feature } from '../feature-module.ts';
import { assetRoutes } from './assets.ts';
import { healthRoutes } from './health.ts';
import { metricsRoutes } from './metrics.ts';
import { dashboardPage } from './pages.ts';
import { sendPage } from './security.ts';

const ASSETS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../viewer/public/build');

export const siteModule: Feature = ({ config, database, blobs, converter, queue, metrics }) => {
  const routes = Router();
  routes.use(healthRoutes({ database, blobs, converter, queue }));
  routes.use(metricsRoutes(metrics, config.METRICS_TOKEN));
  routes.use('/assets', assetRoutes(ASSETS, { sourceMaps: config.SERVE_SOURCE_MAPS }));
  routes.get('/', (_req, res) => sendPage(res, 200, dashboardPage()));
  return {
    name: 'site',
    routes,
    subscriptions: {
      'event:stored': ({ event }) => metrics.events.inc({ type: event.type }),
      'document:processed': ({ format, status, convertMs }) => {
        metrics.conversions.inc({ format, status });
        if (status === 'ready' && convertMs !== null) metrics.conversionSeconds.observe({ format }, convertMs / 1000);
      },
      'mail:delivery': ({ outcome }) => metrics.mail.inc({ outcome }),
      'webhook:delivery': ({ outcome }) => metrics.webhooks.inc({ outcome }),
    },
  };
};
