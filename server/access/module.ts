// Link access: the gates' form posts under /v/:token/access/ (the reader page, file and download apply the gates
// in the tracking module); the code mailer closes on shutdown.
import type { Feature } from '../feature-module.ts';
import { accessRoutes } from '../http/access.ts';
import { category } from '../logger.ts';

export const accessModule: Feature = ({ config, logger, links, accounts, access }) => ({
  name: 'access',
  routes: accessRoutes({
    links,
    accounts,
    access,
    trustProxy: config.TRUST_PROXY,
    publicUrl: config.publicUrl,
    logger: category(logger, 'http'),
  }),
  close: async () => access.close(),
});
