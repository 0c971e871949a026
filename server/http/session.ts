// Dashboard sign-in and sign-out (session cookie), and who am I.
import { Router } from 'express';
import type { Accounts } from '../accounts/senders.ts';
import { AppError, tooManyRequests } from '../errors.ts';
import { KeyedRateLimiter } from '../tracking/rate-limit.ts';
import { readCookie, requireSender, SESSION_COOKIE } from './auth.ts';
import { senderOf } from './context.ts';
import { signInBody } from './session.schema.ts';
import { parse } from './validate.ts';

export interface SessionRouteOptions {
  secureCookies: boolean;
  ttlHours: number;
  attemptsPerMinute: number;
  /** A session ended: its live sockets are closed. */
  onSignedOut: (senderId: string, sessionHash: string) => void;
}

export function sessionRoutes(accounts: Accounts, opts: SessionRouteOptions): Router {
  const r = Router();
  const cookie = { httpOnly: true, sameSite: 'strict' as const, secure: opts.secureCookies, path: '/' };

  // Password guessing: a few attempts per address per minute, whatever the account.
  const attempts = new KeyedRateLimiter(opts.attemptsPerMinute, 60_000);

  r.post('/api/session', async (req, res) => {
    const body = parse(signInBody, req.body);
    if (!attempts.take(req.ip ?? '')) throw tooManyRequests('rate_limited', 'Too many sign-in attempts. Wait a minute and try again.');
    const result = await accounts.signIn(body.email, body.password);
    if (!result) throw new AppError(401, 'invalid_credentials', 'The email or password is not correct.');
    res.cookie(SESSION_COOKIE, result.sessionId, { ...cookie, maxAge: opts.ttlHours * 3600_000 });
    res.json({ sender: result.sender });
  });

  r.delete('/api/session', async (req, res) => {
    const sid = readCookie(req, SESSION_COOKIE);
    if (sid) {
      const live = await accounts.session(sid);
      const hash = await accounts.signOut(sid);
      if (live) opts.onSignedOut(live.sender.id, hash);
    }
    res.clearCookie(SESSION_COOKIE, cookie);
    res.status(204).end();
  });

  r.get('/api/me', requireSender(accounts), (req, res) => {
    res.json(senderOf(req));
  });
  return r;
}
