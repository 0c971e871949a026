// Documents and their per-recipient links: upload (converted in the background), list, show, delete; make,
// list and revoke links. Shutdown lets running conversions finish within the grace period.
import { Router } from 'express';
import type { Feature } from '../feature-module.ts';
import { documentRoutes } from '../http/documents.ts';
import { linkRoutes } from '../http/links.ts';
import { category } from '../logger.ts';
import { FirstPageImages } from './first-page.ts';

export const documentsModule: Feature = ({
  config,
  logger,
  accounts,
  documents,
  links,
  ingest,
  blobs,
  tmpDir,
  access,
}) => {
  const routes = Router();
  routes.use(documentRoutes({ config, accounts, documents, ingest, blobs, tmpDir }));
  routes.use(linkRoutes({ accounts, documents, links, linkDefaults: access.defaults }));
  const firstPages = new FirstPageImages({
    blobs,
    pdftoppmPath: config.PDFTOPPM_PATH,
    tmpDir,
    logger: category(logger, 'convert'),
  });
  return {
    name: 'documents',
    routes,
    subscriptions: {
      'document:updated': ({ document }) => {
        if (document.status === 'ready') firstPages.make(document.id);
      },
      'document:deleted': ({ documentId }) => void firstPages.remove(documentId).catch(() => undefined),
    },
    close: async (graceMs) => {
      await ingest.drain(graceMs);
      await firstPages.drain(graceMs);
    },
  };
};
