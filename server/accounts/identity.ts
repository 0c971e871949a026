// Who is calling: the sender behind an API token or a dashboard session cookie, for HTTP requests and socket
// handshakes alike; and the caller as tracking sees it (address, user agent, signed-in sender).
import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { TrustProxy } from '../config.ts';
import { DEVICE_COOKIE } from './own-browsers.ts';
import type { Accounts, Sender } from './senders.ts';

export const SESSION_COOKIE = 'pt_session';
/** First-party cookie the reader page gives a browser (128 random bits): tells one browser from another. */
export const VIEWER_COOKIE = 'pt_viewer';

/** What the edge (HTTP or socket) knows of the caller. */
export interface ClientInfo {
  ip: string;
  userAgent: string | undefined;
  /** The sender signed in on this browser, if any: their own views are marked `self`. */
  signedInSenderId?: string;
  /** The browser's viewer cookie, when it sent one. */
  viewerId?: string;
  /** The browser's device cookie (set at sign-in, kept after sign-out): a sender's browser stays theirs. */
  deviceToken?: string;
}

export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  const m = h && /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

export type Authenticated =
  | { sender: Sender; via: 'token' /** the token's id */; credential: string }
  | { sender: Sender; via: 'session' /** the session's stored hash */; credential: string; expiresAt: string };

/** The sender behind a request or a socket handshake, by token first, else by session cookie. */
export async function authenticate(
  accounts: Accounts,
  req: IncomingMessage,
  token?: string,
): Promise<Authenticated | null> {
  const t = token ?? bearer(req);
  if (t) {
    const found = await accounts.tokenAuth(t);
    return found ? { sender: found.sender, via: 'token', credential: found.tokenId } : null;
  }
  const sid = readCookie(req, SESSION_COOKIE);
  if (sid) {
    const found = await accounts.session(sid);
    return found
      ? { sender: found.sender, via: 'session', credential: found.idHash, expiresAt: found.expiresAt }
      : null;
  }
  return null;
}

const compiled = new WeakMap<string[], (addr: string, i: number) => boolean>();

/** The same trust rule Express applies (`app.set('trust proxy', …)`), for requests it never sees (socket handshakes). */
export function trustRule(trust: TrustProxy): (addr: string, i: number) => boolean {
  if (trust === false) return () => false;
  if (typeof trust === 'number') return (_addr, i) => i < trust;
  let fn = compiled.get(trust);
  if (!fn) compiled.set(trust, (fn = proxyaddr.compile(trust)));
  return fn;
}

/** X-Forwarded-For is believed only from the proxies we were told about (TRUST_PROXY), read from the right. */
export function clientAddress(req: IncomingMessage, trust: TrustProxy): string {
  if (!req.socket.remoteAddress) return '';
  return proxyaddr(req, trustRule(trust)) || req.socket.remoteAddress;
}

export async function clientInfo(accounts: Accounts, req: IncomingMessage, trust: TrustProxy): Promise<ClientInfo> {
  const sid = readCookie(req, SESSION_COOKIE);
  const signedIn = sid ? await accounts.senderBySession(sid) : null;
  const viewer = readCookie(req, VIEWER_COOKIE);
  const device = readCookie(req, DEVICE_COOKIE);
  return {
    ip: clientAddress(req, trust),
    userAgent: req.headers['user-agent']?.slice(0, 512),
    ...(signedIn ? { signedInSenderId: signedIn.id } : {}),
    ...(viewer && /^[A-Za-z0-9_-]{22}$/.test(viewer) ? { viewerId: viewer } : {}),
    ...(device ? { deviceToken: device } : {}),
  };
}
