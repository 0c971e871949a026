// What a copy's recipient reaches from the mail: the open pixel (a 1x1 GIF, the same for every token, known or
// not) and the click redirects (302 to the destination stored when the copy was written, never one taken from the
// request). HEAD requests and prefetches are answered but record nothing; so are requests over the address limit.
import { Router, type Request, type Response } from 'express';
import type { Accounts } from '../accounts/senders.ts';
import { clientAddress, clientInfo } from '../accounts/identity.ts';
import type { TrustProxy } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { KeyedRateLimiter } from '../rate-limit.ts';
import type { SignalRecorder } from '../signals/recorder.ts';
import { unavailablePage } from './pages.ts';
import { sendPage } from './security.ts';

/** A transparent 1x1 GIF. */
export const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export interface EmailSignalRouteDeps {
  accounts: Accounts;
  recorder: SignalRecorder;
  limiter: KeyedRateLimiter;
  trustProxy: TrustProxy;
  logger: Logger;
}

/** A browser's or mail client's speculative fetch, not a person opening or clicking. */
function isPrefetch(req: Request): boolean {
  const purpose = `${req.get('purpose') ?? ''} ${req.get('sec-purpose') ?? ''} ${req.get('x-moz') ?? ''}`;
  return /prefetch|prerender|preview/i.test(purpose);
}

export function emailSignalRoutes(d: EmailSignalRouteDeps): Router {
  const r = Router();
  /** Whether this request is an open or a click to record (a GET, not a prefetch, within the address's limit). */
  const counts = (req: Request) =>
    req.method === 'GET' && !isPrefetch(req) && d.limiter.take(clientAddress(req, d.trustProxy));

  r.get('/e/:token/open.gif', (req, res) => {
    // The image goes out at once, the same for every token; the open is stored behind it (the event store's
    // batched write, drained on shutdown), so a mail client never waits on the database.
    if (counts(req)) {
      const token = String(req.params.token);
      void clientInfo(d.accounts, req, d.trustProxy)
        .then((client) => d.recorder.open(token, client))
        .catch((err) => d.logger.error({ err }, 'an open could not be recorded'));
    }
    res
      .status(200)
      .set({
        'Content-Type': 'image/gif',
        'Content-Length': String(PIXEL.length),
        // Gmail's proxy honours this and fetches again on every open, so repeat opens are seen.
        'Cache-Control': 'no-store, no-cache, max-age=0',
        Pragma: 'no-cache',
        Expires: '0',
        // Loaded by webmail pages of other sites.
        'Cross-Origin-Resource-Policy': 'cross-origin',
      })
      .end(req.method === 'HEAD' ? undefined : PIXEL);
  });

  // Anything after the link's number, and any query, is ignored: the destination is the stored one.
  r.get('/e/:token/:position{/*rest}', async (req, res) => {
    const position = String(req.params.position);
    if (!/^\d{1,4}$/.test(position)) return notALink(res);
    const record = req.method === 'GET' && !isPrefetch(req);
    if (record && !d.limiter.take(clientAddress(req, d.trustProxy))) {
      res.set('Retry-After', '60');
      return sendPage(res, 429, unavailablePage('Too many requests', 'Wait a minute, then follow the link again.'));
    }
    const client = await clientInfo(d.accounts, req, d.trustProxy);
    const click = await d.recorder.click(String(req.params.token), Number(position));
    if (!click) return notALink(res);
    res.set('Cache-Control', 'no-store').redirect(302, click.url);
    // Stored behind the redirect, like opens: the person is on their way.
    if (record) click.record(client).catch((err) => d.logger.error({ err }, 'a click could not be recorded'));
  });
  return r;
}

function notALink(res: Response): void {
  sendPage(
    res,
    404,
    unavailablePage(
      'This link is not valid',
      'It may have been copied incompletely. Ask the sender for the message again.',
    ),
  );
}
