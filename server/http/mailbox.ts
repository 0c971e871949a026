// /api/mailbox: the sender's IMAP mailbox polled for replies. GET shows settings and connection status, PUT saves
// (the poller reconnects), DELETE stops polling. The password goes in and never comes out.
import { Router } from 'express';
import type { Accounts } from '../accounts/senders.ts';
import { mailboxInsecure, mailboxPasswordRequired, notFound } from '../errors.ts';
import type { DomainEvents } from '../events.ts';
import { resolveMailHost } from '../replies/host-check.ts';
import { mailboxJson, type Mailboxes } from '../replies/mailboxes.ts';
import { requireSender } from './auth.ts';
import { senderOf } from './context.ts';
import { mailboxBody } from './mailbox.schema.ts';
import { parse } from './validate.ts';

export interface MailboxRoutesDeps {
  accounts: Accounts;
  mailboxes: Mailboxes;
  bus: DomainEvents;
  allowPrivate: boolean;
}

export function mailboxRoutes(d: MailboxRoutesDeps): Router {
  const r = Router();
  const auth = requireSender(d.accounts);

  r.get('/api/mailbox', auth, async (req, res) => {
    const row = await d.mailboxes.get(senderOf(req).id);
    if (!row) throw notFound('Mailbox');
    res.json(mailboxJson(row));
  });

  r.put('/api/mailbox', auth, async (req, res) => {
    const sender = senderOf(req);
    const body = parse(mailboxBody, req.body);
    const prior = await d.mailboxes.get(sender.id);
    if (!body.password && !prior) throw mailboxPasswordRequired();
    const host = await resolveMailHost(body.host, d.allowPrivate);
    if (body.security === 'off' && !host.private) throw mailboxInsecure();
    const row = await d.mailboxes.save(sender.id, body, body.password);
    d.bus.emit('mailbox:changed', { senderId: sender.id });
    res.status(prior ? 200 : 201).json(mailboxJson(row));
  });

  r.delete('/api/mailbox', auth, async (req, res) => {
    const sender = senderOf(req);
    if (!(await d.mailboxes.remove(sender.id))) throw notFound('Mailbox');
    d.bus.emit('mailbox:changed', { senderId: sender.id });
    res.status(204).end();
  });
  return r;
}
