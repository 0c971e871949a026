// /api/documents/:id/links and /api/links/:id: make, list and revoke per-recipient links.
import { Router } from 'express';
import type { Accounts } from '../accounts/senders.ts';
import type { Documents } from '../documents/documents.ts';
import type { Links } from '../documents/links.ts';
import { requireSender } from './auth.ts';
import { senderOf } from './context.ts';
import { idParam } from './documents.schema.ts';
import { createLinkBody } from './links.schema.ts';
import { parse } from './validate.ts';

export function linkRoutes(d: { accounts: Accounts; documents: Documents; links: Links }): Router {
  const r = Router();
  const auth = requireSender(d.accounts);

  r.post('/api/documents/:id/links', auth, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const body = parse(createLinkBody, req.body ?? {});
    const doc = await d.documents.get(senderOf(req).id, id);
    const link = await d.links.create(doc, body);
    res.status(201).location(`/api/links/${link.id}`).json(d.links.json(link));
  });

  r.get('/api/documents/:id/links', auth, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const sender = senderOf(req);
    await d.documents.get(sender.id, id);
    const rows = await d.links.list(sender.id, id);
    res.json({ links: rows.map((l) => d.links.json(l)) });
  });

  r.delete('/api/links/:id', auth, async (req, res) => {
    const { id } = parse(idParam, req.params);
    await d.links.revoke(senderOf(req).id, id);
    res.status(204).end();
  });
  return r;
}
