// Authentication middleware: Bearer API tokens for programs, an HttpOnly session cookie for the dashboard.
import type { RequestHandler } from 'express';
import { authenticate, bearer } from '../accounts/identity.ts';
import type { Accounts } from '../accounts/senders.ts';
import { AppError, unauthorized } from '../errors.ts';

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
