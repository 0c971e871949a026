// What a link holder reaches: the reader page, the PDF (ranges), the download, the dwell-time beacon.
import express, { Router, type Request } from 'express';
import type { Accounts } from '../accounts/senders.ts';
import type { BlobStore } from '../../storage/blobs/blob-store.ts';
import type { Links } from '../documents/links.ts';
import { contentDisposition, pdfName } from '../documents/names.ts';
import { downloadDisabled, isAppError } from '../errors.ts';
import type { TrustProxy } from '../config.ts';
import type { KeyedRateLimiter } from '../rate-limit.ts';
import type { Tracker } from '../tracking/tracker.ts';
import { randomBytes } from 'node:crypto';
import { clientAddress, clientInfo, readCookie, VIEWER_COOKIE } from '../accounts/identity.ts';
import { preparingPage, readerPage, unavailablePage } from './pages.ts';
import { sendPage } from './security.ts';
import { sendBlob } from './send-blob.ts';

const tokenOf = (req: Request) => String(req.params.token ?? '');

export interface ViewerRouteDeps {
  links: Links;
  blobs: BlobStore;
  tracker: Tracker;
  accounts: Accounts;
  trustProxy: TrustProxy;
  /** New visits per address, shared with the viewer socket. */
  visitLimiter: KeyedRateLimiter;
  /** Cookies only over HTTPS (PUBLIC_URL is https). */
  secureCookies: boolean;
}

const YEAR_MS = 365 * 24 * 3600_000;

export function viewerRoutes(d: ViewerRouteDeps): Router {
  const r = Router();

  r.get('/v/:token', async (req, res) => {
    try {
      const { link, document } = await d.links.resolve(tokenOf(req));
      // A mailed link works before its document is converted: a page that reloads itself into the reader.
      if (document.status === 'processing') {
        res.set('Retry-After', '3');
        sendPage(res, 503, preparingPage(document.name));
        return;
      }
      if (document.status !== 'ready') {
        sendPage(res, 503, unavailablePage('This document could not be prepared for reading'));
        return;
      }
      // The browser's first-party viewer id: a unique viewer, and a returning one continues their visit.
      if (!readCookie(req, VIEWER_COOKIE))
        res.cookie(VIEWER_COOKIE, randomBytes(16).toString('base64url'), {
          httpOnly: true,
          sameSite: 'lax',
          secure: d.secureCookies,
          path: '/',
          maxAge: YEAR_MS,
        });
      sendPage(
        res,
        200,
        readerPage({
          title: document.name,
          token: tokenOf(req),
          pageCount: Number(document.page_count),
          allowDownload: Boolean(link.allow_download),
          documentId: document.id,
        }),
      );
    } catch (err) {
      const notReady = isAppError(err) && err.code === 'document_not_ready';
      if (!isAppError(err) || (err.status >= 500 && !notReady)) throw err;
      if (notReady) res.set('Retry-After', '5');
      sendPage(res, err.status, unavailablePage(notReady ? err.publicMessage : undefined));
    }
  });

  r.get('/v/:token/file', async (req, res) => {
    const { document, pdfKey } = await d.links.resolveReadable(tokenOf(req));
    await sendBlob(req, res, d.blobs, pdfKey, {
      contentType: 'application/pdf',
      disposition: contentDisposition('inline', pdfName(document.name)),
      cacheControl: 'private, no-cache',
    });
  });

  r.get('/v/:token/download', async (req, res) => {
    const resolved = await d.links.resolveReadable(tokenOf(req));
    if (!resolved.link.allow_download) throw downloadDisabled();
    const visit = typeof req.query.visit === 'string' ? req.query.visit : undefined;
    await sendBlob(req, res, d.blobs, resolved.pdfKey, {
      contentType: 'application/pdf',
      disposition: contentDisposition('attachment', pdfName(resolved.document.name)),
      // A download is recorded when bytes from the start go out: not for HEAD, 304 or a resumed (ranged) remainder.
      beforeBody: async (range) => {
        if (range && range.start > 0) return;
        const client = await clientInfo(d.accounts, req, d.trustProxy);
        await d.tracker.download(resolved, visit, client, () => d.visitLimiter.take(clientAddress(req, d.trustProxy)));
      },
    });
  });

  r.post(
    '/v/:token/beacon',
    express.json({ limit: '16kb', type: ['application/json', 'text/plain'] }),
    async (req, res) => {
      const resolved = await d.links.resolve(tokenOf(req));
      await d.tracker.beacon(resolved, req.body);
      res.status(204).end();
    },
  );
  return r;
}
