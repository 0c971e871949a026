// Cross-site WebSocket hijacking: browsers attach our cookies to websocket upgrades and polling requests made by
// any page, SameSite=Strict notwithstanding when the page is same-site (another port on the host, a sibling
// subdomain). Socket requests are therefore accepted only from PUBLIC_URL's origin, on every transport and
// namespace; a cookie is believed only when the browser proves the request came from our own pages.
import type { IncomingMessage } from 'node:http';

const originOf = (url: string) => new URL(url).origin;

/** engine.io's allowRequest: a request that names another origin is refused before any namespace sees it.
 * Programs (no Origin header) pass; they authenticate with a token in the handshake. */
export function allowOrigin(publicUrl: string) {
  const ours = originOf(publicUrl);
  return (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void): void => {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== ours) callback('origin not allowed', false);
    else callback(null, true);
  };
}

/** Whether a cookie on this request was sent by our own pages: the Origin is ours, or (a same-origin GET, where
 * browsers send no Origin) the browser's own Sec-Fetch-Site says so. Neither header can be set by a page's script. */
export function fromOwnPages(req: IncomingMessage, publicUrl: string): boolean {
  const origin = req.headers.origin;
  if (origin !== undefined) return origin === originOf(publicUrl);
  return req.headers['sec-fetch-site'] === 'same-origin';
}
