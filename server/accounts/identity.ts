// Who is calling: the sender behind an API token or a dashboard session cookie, for HTTP requests and socket
// handshakes alike; and the caller as tracking sees it (address, user agent, signed-in sender).
import type { IncomingMessage } from 'node:http';
import type { Accounts, Sender } from './senders.ts';

export const SESSION_COOKIE = 'pt_session';

/** What the edge (HTTP or socket) knows of the caller. */
export interface ClientInfo {
  ip: string;
  userAgent: string | undefined;
  /** The sender signed in on this browser, if any: their own views are marked `self`. */
  signedInSenderId?: string;
}

export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try { return decodeURIComponent(part.slice(i + 1).trim()); } catch { return undefined; }
    }
  }
  return undefined;
}

export function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  const m = h && /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

/** The sender behind a request or a socket handshake, by token first, else by session cookie. */
export async function authenticate(accounts: Accounts, req: IncomingMessage, token?: string): Promise<{ sender: Sender; via: 'token' | 'session' } | null> {
  const t = token ?? bearer(req);
  if (t) {
    const sender = await accounts.senderByToken(t);
    return sender ? { sender, via: 'token' } : null;
  }
  const sid = readCookie(req, SESSION_COOKIE);
  if (sid) {
    const sender = await accounts.senderBySession(sid);
    return sender ? { sender, via: 'session' } : null;
  }
  return null;
}

/** X-Forwarded-For is believed only behind a proxy we were told about (TRUST_PROXY). */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const fwd = req.headers['x-forwarded-for'];
  const first = trustProxy && typeof fwd === 'string' ? fwd.split(',')[0]?.trim() : undefined;
  return first || req.socket.remoteAddress || '';
}

export async function clientInfo(accounts: Accounts, req: IncomingMessage, trustProxy: boolean): Promise<ClientInfo> {
  const sid = readCookie(req, SESSION_COOKIE);
  const signedIn = sid ? await accounts.senderBySession(sid) : null;
  return {
    ip: clientAddress(req, trustProxy),
    userAgent: req.headers['user-agent']?.slice(0, 512),
    ...(signedIn ? { signedInSenderId: signedIn.id } : {}),
  };
}
