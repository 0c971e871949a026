// /api/documents: upload, list, show, delete, the first-page thumbnail and the per-page ones.
import fs from 'node:fs/promises';
import { type RequestHandler, Router } from 'express';
import type { BlobStore } from '../../storage/blobs/blob-store.ts';
import type { Accounts } from '../accounts/senders.ts';
import type { Config } from '../config.ts';
import type { Ingest } from '../conversion/ingest.ts';
import { detectFormat } from '../conversion/sniff.ts';
import { documentJson, type Documents, pageThumbnailKey } from '../documents/documents.ts';
import { sanitizeFileName } from '../documents/names.ts';
import { notFound } from '../errors.ts';
import { requireSender } from './auth.ts';
import { senderOf } from './context.ts';
import { idParam, pageParam } from './documents.schema.ts';
import { sendBlob } from './send-blob.ts';
import { claim, uploadOne } from './upload.ts';
import { parse } from './validate.ts';

export interface DocumentRoutesDeps {
  config: Config;
  accounts: Accounts;
  documents: Documents;
  ingest: Ingest;
  blobs: BlobStore;
  tmpDir: string;
}

/** When the upload's request reached the route, for the ingest log line's receive time (body and type check). */
const stampArrival: RequestHandler = (_req, res, next) => {
  res.locals.arrivedAt = Date.now();
  next();
};

export function documentRoutes(d: DocumentRoutesDeps): Router {
  const r = Router();
  const auth = requireSender(d.accounts);
  const limits = {
    maxEntries: d.config.ZIP_MAX_ENTRIES,
    maxUncompressedBytes: d.config.ZIP_MAX_UNCOMPRESSED_BYTES,
    maxRatio: d.config.ZIP_MAX_RATIO,
  };

  r.post('/api/documents', auth, stampArrival, uploadOne(d.tmpDir, d.config.MAX_UPLOAD_BYTES), async (req, res) => {
    const sender = senderOf(req);
    const file = req.file!;
    const format = await detectFormat(file.path, limits);
    // From here ingest owns the temp file (and removes it when done); if it refuses, remove it now.
    const tempPath = claim(file);
    const doc = await d.ingest
      .accept({
        senderId: sender.id,
        name: sanitizeFileName(file.originalname),
        tempPath,
        size: file.size,
        format,
        receiveMs: Date.now() - (res.locals.arrivedAt as number),
      })
      .catch(async (err: unknown) => {
        await fs.rm(tempPath, { force: true });
        throw err;
      });
    res.status(202).location(`/api/documents/${doc.id}`).json(documentJson(doc));
  });

  r.get('/api/documents', auth, async (req, res) => {
    const rows = await d.documents.list(senderOf(req).id);
    res.json({ documents: rows.map(documentJson) });
  });

  r.get('/api/documents/:id', auth, async (req, res) => {
    const { id } = parse(idParam, req.params);
    res.json(documentJson(await d.documents.get(senderOf(req).id, id)));
  });

  r.delete('/api/documents/:id', auth, async (req, res) => {
    const { id } = parse(idParam, req.params);
    await d.documents.remove(senderOf(req).id, id);
    res.status(204).end();
  });

  r.get('/api/documents/:id/thumbnail', auth, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const doc = await d.documents.get(senderOf(req).id, id);
    if (!doc.thumbnail_key) throw notFound('Thumbnail');
    await sendBlob(req, res, d.blobs, doc.thumbnail_key, {
      contentType: 'image/png',
      cacheControl: 'private, max-age=3600',
    });
  });
  // Page n's small thumbnail (the analytics chart's hover card): the owner's only, like the document itself.
  r.get('/api/documents/:id/pages/:page/thumbnail', auth, async (req, res) => {
    const { id, page } = parse(pageParam, req.params);
    const doc = await d.documents.get(senderOf(req).id, id);
    if (page > Number(doc.page_thumbnails)) throw notFound('Page thumbnail');
    await sendBlob(req, res, d.blobs, pageThumbnailKey(doc.id, page), {
      contentType: 'image/jpeg',
      cacheControl: 'private, max-age=3600',
    });
  });
  return r;
}
