// What a link holder reaches: the reader page (behind the link's gates), the PDF (ranges, only with a live visit's
// file token), the download (stamped when the link has a watermark), the dwell-time beacon.
import express, { Router, type Request } from 'express';
import { withIdentity, type LinkAccessParts } from '../access/access.ts';
import { accessOf, isGated } from '../access/settings.ts';
import { stampPdf, watermarkText } from '../access/watermark.ts';
import type { Accounts } from '../accounts/senders.ts';
import type { BlobStore } from '../../storage/blobs/blob-store.ts';
import type { Links } from '../documents/links.ts';
import { firstPageKey } from '../documents/documents.ts';
import { contentDisposition, pdfName } from '../documents/names.ts';
import {
  accessRequired,
  downloadDisabled,
  fileTokenExpired,
  fileTokenInvalid,
  isAppError,
  notFound,
} from '../errors.ts';
import type { TrustProxy } from '../config.ts';
import type { KeyedLimit } from '../rate-limit.ts';
import type { Tracker } from '../tracking/tracker.ts';
import { randomBytes } from 'node:crypto';
import { clientAddress, clientInfo, readCookie, VIEWER_COOKIE } from '../accounts/identity.ts';
import { readPass, sendDecision } from './access.ts';
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
  visitLimiter: KeyedLimit;
  /** Cookies only over HTTPS (PUBLIC_URL is https). */
  secureCookies: boolean;
  access: LinkAccessParts;
}

const YEAR_MS = 365 * 24 * 3600_000;
/** Life of the reader page's page token: the page's script uses it at once. */
const PAGE_TOKEN_TTL_MS = 30_000;

/** The header carrying a visit's file token (a header, not the URL: it never reaches logs or history). */
export const FILE_TOKEN_HEADER = 'x-pagetrail-file';

export function viewerRoutes(d: ViewerRouteDeps): Router {
  const r = Router();

  r.get('/v/:token', async (req, res) => {
    try {
      const resolved = await d.links.resolve(tokenOf(req));
      const { link, document } = resolved;
      // The gates come first: a reader who has not passed them learns nothing of the document.
      const pass = readPass(req, d.access, link.id);
      const decision = await d.access.gate.decide(resolved, pass, await clientInfo(d.accounts, req, d.trustProxy));
      if (decision.kind !== 'read') {
        sendDecision(res, tokenOf(req), decision);
        return;
      }
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
          // The viewer socket is let in with this ticket (socket.io's requests carry no cookie scoped to the link).
          entryTicket: isGated(decision.access)
            ? d.access.passes.sealPass(link.id, pass ?? { passcode: false, email: null, expiresAtMs: 0 }, 'entry')
            : null,
          // Page 1's image, fetched as soon as the page's script runs (not after the visit's socket has opened);
          // never for a watermarked link (the image carries no watermark).
          pageToken: decision.access.watermark
            ? null
            : d.access.passes.sealPage(link.id, Date.now() + PAGE_TOKEN_TTL_MS),
        }),
      );
    } catch (err) {
      const notReady = isAppError(err) && err.code === 'document_not_ready';
      if (!isAppError(err) || (err.status >= 500 && !notReady)) throw err;
      if (notReady) res.set('Retry-After', '5');
      sendPage(res, err.status, unavailablePage(notReady ? err.publicMessage : undefined));
    }
  });

  /** The reader's bytes go only to a live visit: the file token its socket was given, bound to the visit and the
   * link (revoked, expired or deleted links answer before the token is looked at). */
  const readableFile = async (req: Request) => {
    const resolved = await d.links.resolveReadable(tokenOf(req));
    const grant = d.access.passes.openFile(resolved.link.id, req.get(FILE_TOKEN_HEADER));
    if (grant === 'expired') throw fileTokenExpired();
    if (!grant) throw fileTokenInvalid();
    return { resolved, grant };
  };

  r.get('/v/:token/file', async (req, res) => {
    const { resolved, grant } = await readableFile(req);
    await sendBlob(req, res, d.blobs, resolved.pdfKey, {
      contentType: 'application/pdf',
      disposition: contentDisposition('inline', pdfName(resolved.document.name)),
      cacheControl: 'private, no-store',
      beforeBody: async (range) => {
        const bytes = range ? range.end - range.start + 1 : Number(resolved.document.pdf_size ?? 0);
        await d.access.gate.recordFileRead(grant.visitId, bytes);
      },
    });
  });

  /** The file's checks, with the reader page's page token good too (for page 1's image alone). */
  const readableFirstPage = async (req: Request) => {
    const resolved = await d.links.resolveReadable(tokenOf(req));
    const page = d.access.passes.openPage(resolved.link.id, req.get(FILE_TOKEN_HEADER));
    if (page === 'valid') return resolved;
    if (page === 'expired') throw fileTokenExpired();
    return (await readableFile(req)).resolved;
  };

  // Page 1 as an image, painted before pdf.js has rendered it: exactly the checks of the file, never kept by a cache.
  r.get('/v/:token/first-page', async (req, res) => {
    const resolved = await readableFirstPage(req);
    const key = firstPageKey(resolved.document.id);
    // Not made (yet), or a watermarked link (the image has no watermark): nothing to paint, and no error a browser
    // console would report for the reader.
    if (accessOf(resolved.link).watermark || !(await d.blobs.stat(key))) {
      res.status(204).set('Cache-Control', 'private, no-store').end();
      return;
    }
    await sendBlob(req, res, d.blobs, key, {
      contentType: 'image/jpeg',
      cacheControl: 'private, no-store',
    });
  });

  r.get('/v/:token/download', async (req, res) => {
    const found = await d.links.resolveReadable(tokenOf(req));
    if (!found.link.allow_download) throw downloadDisabled();
    const client = await clientInfo(d.accounts, req, d.trustProxy);
    const decision = await d.access.gate.decide(found, readPass(req, d.access, found.link.id), client, false);
    if (decision.kind !== 'read') throw accessRequired();
    const resolved = withIdentity(found, decision.email);
    const visit = typeof req.query.visit === 'string' ? req.query.visit : undefined;
    const record = () =>
      d.tracker.download(resolved, visit, client, () => d.visitLimiter.take(clientAddress(req, d.trustProxy)));
    const disposition = contentDisposition('attachment', pdfName(resolved.document.name));
    if (decision.access.watermark) {
      // Stamped for this reader: made whole here (no ranges), recorded as it goes out.
      const stream = await d.blobs.read(resolved.pdfKey).catch(() => null);
      if (!stream) throw notFound('File');
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      const stamped = await stampPdf(Buffer.concat(chunks), watermarkText(resolved.link.recipient, client.ip));
      if (req.method !== 'HEAD') await record();
      res
        .status(200)
        .set({
          'Content-Type': 'application/pdf',
          'Content-Disposition': disposition,
          'Content-Length': String(stamped.length),
          'Cache-Control': 'private, no-store',
        })
        .end(req.method === 'HEAD' ? undefined : Buffer.from(stamped));
      return;
    }
    await sendBlob(req, res, d.blobs, resolved.pdfKey, {
      contentType: 'application/pdf',
      disposition,
      // A download is recorded when bytes from the start go out: not for HEAD, 304 or a resumed (ranged) remainder.
      beforeBody: async (range) => {
        if (range && range.start > 0) return;
        await record();
      },
    });
  });

  r.post(
    '/v/:token/beacon',
    express.json({ limit: '16kb', type: ['application/json', 'text/plain'] }),
    async (req, res) => {
      const found = await d.links.resolve(tokenOf(req));
      // Events keep the visit's identity: the address its reader verified (the pass cookie reaches /beacon too).
      const resolved = withIdentity(found, readPass(req, d.access, found.link.id)?.email ?? null);
      await d.tracker.beacon(resolved, req.body);
      res.status(204).end();
    },
  );
  return r;
}
