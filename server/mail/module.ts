// The mail feature as createApp mounts it: the messages routes, the SMTP relay (started by main.ts or a test, never
// by createApp) and its shutdown; `mail` gives the composition root and tests the relay and the message service.
import type { Feature, FeatureModule } from '../feature-module.ts';
import { createMail, type MailFeature } from './index.ts';

export type { MailFeature };

export interface MailModule extends FeatureModule {
  mail: MailFeature;
}

export const mailModule: Feature = (ctx): MailModule => {
  const mail = createMail(ctx);
  return { name: 'mail', routes: mail.router, close: () => mail.close(), mail };
};
