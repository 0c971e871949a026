// Link access as the features use it: the gates, the sealed passes and file tokens, and the senders' defaults.
import type { Db } from '../../storage/db/index.ts';
import { Sealer } from '../../storage/sealer.ts';
import type { Config } from '../config.ts';
import type { ResolvedLink } from '../documents/links.ts';
import type { Logger } from '../logger.ts';
import type { EventStore } from '../tracking/event-store.ts';
import type { FailureFactory, LimitFactory } from '../rate-limit.ts';
import { smtpCodeMailer, type CodeMailer } from './code-mail.ts';
import { LinkDefaultsStore } from './defaults.ts';
import { AccessGate } from './gate.ts';
import { AccessPasses } from './passes.ts';

export const LINK_ACCESS = 'link access';

export interface LinkAccessParts {
  gate: AccessGate;
  passes: AccessPasses;
  defaults: LinkDefaultsStore;
  fileTokenTtlMs: number;
  passHours: number;
  /** Pass cookies are Secure when the service is reached over HTTPS. */
  secureCookies: boolean;
  close(): void;
}

export function buildAccess(d: {
  config: Config;
  db: Db;
  events: EventStore;
  logger: Logger;
  mailer?: CodeMailer | null;
  limits: LimitFactory;
  failures: FailureFactory;
}): LinkAccessParts {
  const { config } = d;
  const mailer =
    d.mailer !== undefined ? d.mailer : config.SMTP_UPSTREAM_URL ? smtpCodeMailer(config.SMTP_UPSTREAM_URL) : null;
  return {
    gate: new AccessGate({
      db: d.db,
      events: d.events,
      logger: d.logger,
      mailer,
      codeFrom: config.ACCESS_CODE_FROM,
      passcodeAttempts: config.ACCESS_PASSCODE_ATTEMPTS,
      limits: d.limits,
      failures: d.failures,
      passHours: config.ACCESS_PASS_HOURS,
    }),
    passes: new AccessPasses(Sealer.forDataDir(config.dataDir, LINK_ACCESS)),
    defaults: new LinkDefaultsStore(d.db),
    fileTokenTtlMs: config.FILE_TOKEN_TTL_SECONDS * 1000,
    passHours: config.ACCESS_PASS_HOURS,
    secureCookies: config.publicUrl.startsWith('https:'),
    close: () => mailer?.close(),
  };
}

/** The link as a visit sees it: its recipient is the address the reader verified, when there is one. */
export function withIdentity<T extends ResolvedLink>(r: T, email: string | null): T {
  return email ? { ...r, link: { ...r.link, recipient: email } } : r;
}
