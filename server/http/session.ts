// Dashboard sign-in and sign-out (session cookie), and who am I.
import { Router } from 'express';
import type { Accounts } from '../accounts/senders.ts';
import type { DomainEvents } from '../events.ts';
import { invalidCredentials, signInRateLimited } from '../errors.ts';
import type { KeyedLimit } from '../rate-limit.ts';
import { readCookie, SESSION_COOKIE } from '../accounts/identity.ts';
import { DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_MS } from '../accounts/own-browsers.ts';
import { requireSender } from './auth.ts';
import { senderOf } from './context.ts';
import { signInBody } from './session.schema.ts';
import { parse } from './validate.ts';

export interface SessionRouteOptions {
  secureCookies: boolean;
  ttlHours: number;
  /** Sign-in attempts per address (a minute's worth). */
  attempts: KeyedLimit;
  /** Told when a session ends (session:ended), so its live sockets close. */
  bus: DomainEvents;
}

export function sessionRoutes(accounts: Accounts, opts: SessionRouteOptions): Router {
  const r = Router();
  const cookie = { httpOnly: true, sameSite: 'strict' as const, secure: opts.secureCookies, path: '/' };

  // Password guessing: a few attempts per address per minute, whatever the account.
  const attempts = opts.attempts;

  r.post('/api/session', async (req, res) => {
    const body = parse(signInBody, req.body);
    if (!(await attempts.take(req.ip ?? ''))) throw signInRateLimited();
    const result = await accounts.signIn(body.email, body.password);
    if (!result) throw invalidCredentials();
    res.cookie(SESSION_COOKIE, result.sessionId, { ...cookie, maxAge: opts.ttlHours * 3600_000 });
    // This browser is the sender's from now on, signed in or not: its opens and clicks are their own. Lax, so the
    // cookie rides along when the sender follows a link in their own mail (a top-level navigation).
    const device = readCookie(req, DEVICE_COOKIE);
    if ((await accounts.own.deviceOf(device)) !== result.sender.id)
      res.cookie(DEVICE_COOKIE, await accounts.own.issueDevice(result.sender.id), {
        ...cookie,
        sameSite: 'lax',
        maxAge: DEVICE_COOKIE_MAX_AGE_MS,
      });
    await accounts.own.noteAddress(result.sender.id, req.ip);
    res.json({ sender: result.sender });
  });

  r.delete('/api/session', async (req, res) => {
    const sid = readCookie(req, SESSION_COOKIE);
    if (sid) {
      const live = await accounts.session(sid);
      const hash = await accounts.signOut(sid);
      if (live) opts.bus.emit('session:ended', { senderId: live.sender.id, sessionHash: hash });
    }
    res.clearCookie(SESSION_COOKIE, cookie);
    res.status(204).end();
  });

  r.get('/api/me', requireSender(accounts), (req, res) => {
    res.json(senderOf(req));
  });
  return r;
}
