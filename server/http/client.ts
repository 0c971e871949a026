// The caller as tracking sees it, for both HTTP requests and socket handshakes.
import type { IncomingMessage } from 'node:http';
import type { Accounts } from '../accounts/senders.ts';
import type { ClientInfo } from '../tracking/tracker.ts';
import { readCookie, SESSION_COOKIE } from './auth.ts';

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
