// Documents and their per-recipient links: upload (converted in the background), list, show, delete; make,
// list and revoke links. Shutdown lets running conversions finish within the grace period.
import { Router } from 'express';
import type { Feature } from '../feature-module.ts';
import { documentRoutes } from '../http/documents.ts';
import { linkRoutes } from '../http/links.ts';

export const documentsModule: Feature = ({ config, accounts, documents, links, ingest, blobs, tmpDir, access }) => {
  const routes = Router();
  routes.use(documentRoutes({ config, accounts, documents, ingest, blobs, tmpDir }));
  routes.use(linkRoutes({ accounts, documents, links, linkDefaults: access.defaults }));
  return { name: 'documents', routes, close: (graceMs) => ingest.drain(graceMs) };
};
