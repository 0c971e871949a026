// GET/PUT /api/settings/mail-tracking: the sender's own switches for mail sent through Pagetrail (attachments as
// links, the open pixel, click rewriting). Read when each copy is written, so a change applies to the next one.
import { Router } from 'express';
import type { Accounts } from '../accounts/senders.ts';
import { requireSender } from './auth.ts';
import { senderOf } from './context.ts';
import { mailSettingsBody } from './mail-settings.schema.ts';
import { parse } from './validate.ts';

export function mailSettingsRoutes(d: { accounts: Accounts }): Router {
  const r = Router();
  const auth = requireSender(d.accounts);

  r.get('/api/settings/mail-tracking', auth, async (req, res) => {
    res.json(await d.accounts.mailSettings(senderOf(req).id));
  });

  r.put('/api/settings/mail-tracking', auth, async (req, res) => {
    const change = parse(mailSettingsBody, req.body);
    res.json(await d.accounts.setMailSettings(senderOf(req).id, change));
  });
  return r;
}
