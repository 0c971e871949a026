// Every security header the service sends, in one place: those every response gets, HSTS over HTTPS, no caching
// of API answers, and the pages' Content-Security-Policy.
import type { RequestHandler, Response } from 'express';

export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The access gates' pages post their forms to their own link (and nowhere else). */
export const GATE_CSP = PAGE_CSP.replace("form-action 'none'", "form-action 'self'");

/** Two years, the preload lists' floor; sent only on HTTPS, where a browser believes it. */
const HSTS = 'max-age=63072000; includeSubDomains';

export function baseHeaders(publicUrl: string): RequestHandler {
  return (req, res, next) => {
    res.set({
      'X-Content-Type-Options': 'nosniff',
      // Link tokens live in URLs: never hand them to another site in a Referer.
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Opener-Policy': 'same-origin',
      // Files and bundles are for our own pages; another site may not embed them (Spectre-style reads included).
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-Permitted-Cross-Domain-Policies': 'none',
    });
    // req.secure is true on TLS, or behind a trusted proxy that says X-Forwarded-Proto: https.
    if (req.secure || publicUrl.startsWith('https:')) res.set('Strict-Transport-Security', HSTS);
    // API answers carry private data: no browser or shared cache may keep them.
    if (/^\/api(\/|$)/i.test(req.path)) res.set('Cache-Control', 'no-store');
    next();
  };
}

export function sendPage(res: Response, status: number, html: string, opts: { forms?: boolean } = {}): void {
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': opts.forms ? GATE_CSP : PAGE_CSP,
      'Cache-Control': 'no-store',
    })
    .send(html);
}
