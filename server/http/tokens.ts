// /api/tokens: a sender's API tokens. A new token is shown once; revoking one ends its sockets at once.
import { Router } from 'express';
import type { Accounts } from '../accounts/senders.ts';
import type { DomainEvents } from '../events.ts';
import { notFound } from '../errors.ts';
import { requireSender } from './auth.ts';
import { senderOf } from './context.ts';
import { idParam } from './documents.schema.ts';
import { parse } from './validate.ts';

export function tokenRoutes(d: { accounts: Accounts; bus: DomainEvents }): Router {
  const r = Router();
  const auth = requireSender(d.accounts);

  r.get('/api/tokens', auth, async (req, res) => {
    res.json({ tokens: await d.accounts.listTokens(senderOf(req).id) });
  });

  r.post('/api/tokens', auth, async (req, res) => {
    const sender = senderOf(req);
    const token = await d.accounts.createToken(sender.id);
    const created = (await d.accounts.tokenAuth(token))!;
    res.status(201).json({ id: created.tokenId, token });
  });

  r.delete('/api/tokens/:id', auth, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const sender = senderOf(req);
    if (!(await d.accounts.revokeToken(sender.id, id))) throw notFound('Token');
    d.bus.emit('token:revoked', { senderId: sender.id, tokenId: id });
    res.status(204).end();
  });
  return r;
}
