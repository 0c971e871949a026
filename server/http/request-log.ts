// Request ids and one log line per request; link tokens are cut out of logged URLs, long URLs cut short.
import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../logger.ts';

/** Longest URL written to the log: a client may send kilobytes of it on every request. */
export const LOGGED_URL_MAX = 512;

// Routing ignores case and repeated slashes, and decodes the token: `/V/…`, `//v//…` and `/v/%41…` reach the
// reader too, so whatever follows such a prefix up to the next slash or query is a token.
const LINK_PATH = /^(\/+)([ve])(\/+|%2f)[^/?#]*/i;

export function redactUrl(url: string): string {
  const redacted = url.replace(LINK_PATH, (_m, _s, p: string) => `/${p.toLowerCase()}/:token`);
  return redacted.length > LOGGED_URL_MAX ? `${redacted.slice(0, LOGGED_URL_MAX)}…` : redacted;
}

export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id');
    req.id = given && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomBytes(8).toString('hex');
    res.set('X-Request-Id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        {
          reqId: req.id,
          method: req.method,
          url: redactUrl(req.originalUrl),
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
        },
        'request',
      );
    });
    next();
  };
}
