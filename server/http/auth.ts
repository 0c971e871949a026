// Authentication: Bearer API tokens for programs, an HttpOnly session cookie for the dashboard.
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import type { Accounts, Sender } from '../accounts/senders.ts';
import { AppError, unauthorized } from '../errors.ts';

export const SESSION_COOKIE = 'pt_session';

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

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  const m = h && /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

export type Authenticated =
  | { sender: Sender; via: 'token'; /** the token's id */ credential: string }
  | { sender: Sender; via: 'session'; /** the session's stored hash */ credential: string; expiresAt: string };

/** The sender behind a request or a socket handshake, by token first, else by session cookie. */
export async function authenticate(accounts: Accounts, req: IncomingMessage, token?: string): Promise<Authenticated | null> {
  const t = token ?? bearer(req);
  if (t) {
    const found = await accounts.tokenAuth(t);
    return found ? { sender: found.sender, via: 'token', credential: found.tokenId } : null;
  }
  const sid = readCookie(req, SESSION_COOKIE);
  if (sid) {
    const found = await accounts.session(sid);
    return found ? { sender: found.sender, via: 'session', credential: found.idHash, expiresAt: found.expiresAt } : null;
  }
  return null;
}

export function requireSender(accounts: Accounts): RequestHandler {
  return async (req, _res, next) => {
    const auth = await authenticate(accounts, req);
    if (!auth) throw unauthorized(bearer(req) ? 'The API token is not valid.' : 'Authentication is required.');
    // A cookie rides along on cross-site requests; mutations by cookie must prove they come from our own pages.
    if (auth.via === 'session' && !['GET', 'HEAD', 'OPTIONS'].includes(req.method) && req.get('x-requested-with') !== 'pagetrail') {
      throw new AppError(403, 'csrf_check_failed', 'Missing the X-Requested-With: pagetrail header required for cookie-authenticated changes.');
    }
    req.sender = auth.sender;
    next();
  };
}
