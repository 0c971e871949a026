// The caller as tracking sees it, for both HTTP requests and socket handshakes.
import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { Accounts } from '../accounts/senders.ts';
import type { TrustProxy } from '../config.ts';
import type { ClientInfo } from '../tracking/tracker.ts';
import { readCookie, SESSION_COOKIE } from './auth.ts';

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
  return {
    ip: clientAddress(req, trust),
    userAgent: req.headers['user-agent']?.slice(0, 512),
    ...(signedIn ? { signedInSenderId: signedIn.id } : {}),
  };
}
