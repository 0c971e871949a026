// Authentication middleware: Bearer API tokens for programs, an HttpOnly session cookie for the dashboard.
import type { RequestHandler } from 'express';
import { authenticate, bearer } from '../accounts/identity.ts';
import type { Accounts } from '../accounts/senders.ts';
import { csrfCheckFailed, invalidApiToken, unauthorized } from '../errors.ts';

export function requireSender(accounts: Accounts): RequestHandler {
  return async (req, _res, next) => {
    const auth = await authenticate(accounts, req);
    if (!auth) throw bearer(req) ? invalidApiToken() : unauthorized();
    // A cookie rides along on cross-site requests; mutations by cookie must prove they come from our own pages.
    if (
      auth.via === 'session' &&
      !['GET', 'HEAD', 'OPTIONS'].includes(req.method) &&
      req.get('x-requested-with') !== 'pagetrail'
    ) {
      throw csrfCheckFailed();
    }
    req.sender = auth.sender;
    // The dashboard's addresses mark the sender's own opens (programs with API tokens are not a person's browser).
    if (auth.via === 'session') await accounts.own.noteAddress(auth.sender.id, req.ip);
    next();
  };
}
