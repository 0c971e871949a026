// Senders: dashboard sign-in and sign-out, who am I.
import type { Feature } from '../feature-module.ts';
import { sessionRoutes } from '../http/session.ts';

export const accountsModule: Feature = ({ config, accounts }) => ({
  name: 'accounts',
  routes: sessionRoutes(accounts, {
    secureCookies: config.publicUrl.startsWith('https:'), ttlHours: config.SESSION_TTL_HOURS, attemptsPerMinute: config.SIGNIN_ATTEMPTS_PER_MINUTE,
  }),
});
