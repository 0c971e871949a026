// The site: liveness and readiness, the browser bundles, the dashboard's page.
import { Router } from 'express';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Feature } from '../feature-module.ts';
import { assetRoutes } from './assets.ts';
import { healthRoutes } from './health.ts';
import { dashboardPage } from './pages.ts';
import { sendPage } from './security.ts';

const ASSETS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../viewer/public/build');

export const siteModule: Feature = ({ config, database, blobs, converter }) => {
  const routes = Router();
  routes.use(healthRoutes({ database, blobs, converter }));
  routes.use('/assets', assetRoutes(ASSETS, { sourceMaps: config.SERVE_SOURCE_MAPS }));
  routes.get('/', (_req, res) => sendPage(res, 200, dashboardPage()));
  return { name: 'site', routes };
};
