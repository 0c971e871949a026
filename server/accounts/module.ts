// Senders: dashboard sign-in and sign-out, who am I, API tokens (list, create, revoke). Signing out and revoking
// a token are told on the bus, so sockets opened with them close.
import { Router } from 'express';
import type { Feature } from '../feature-module.ts';
import { sessionRoutes } from '../http/session.ts';
import { tokenRoutes } from '../http/tokens.ts';

export const accountsModule: Feature = ({ config, accounts, bus, limits }) => {
  const routes = Router();
  routes.use(
    sessionRoutes(accounts, {
      secureCookies: config.publicUrl.startsWith('https:'),
      ttlHours: config.SESSION_TTL_HOURS,
      attempts: limits('signin', config.SIGNIN_ATTEMPTS_PER_MINUTE, 60_000),
      bus,
    }),
  );
  routes.use(tokenRoutes({ accounts, bus }));
  return { name: 'accounts', routes };
};
