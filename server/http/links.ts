// /api/documents/:id/links and /api/links/:id: make, list and revoke per-recipient links.
import { Router } from 'express';
import type { LinkDefaultsStore } from '../access/defaults.ts';
import { hashPassword } from '../accounts/secrets.ts';
import type { Accounts } from '../accounts/senders.ts';
import type { Documents } from '../documents/documents.ts';
import type { Links } from '../documents/links.ts';
import { requireSender } from './auth.ts';
import { senderOf } from './context.ts';
import { idParam } from './documents.schema.ts';
import { createLinkBody, linkDefaultsBody } from './links.schema.ts';
import { parse } from './validate.ts';

export function linkRoutes(d: {
  accounts: Accounts;
  documents: Documents;
  links: Links;
  linkDefaults: LinkDefaultsStore;
}): Router {
  const r = Router();
  const auth = requireSender(d.accounts);

  r.post('/api/documents/:id/links', auth, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const body = parse(createLinkBody, req.body ?? {});
    const sender = senderOf(req);
    const doc = await d.documents.get(sender.id, id);
    // What the request leaves out comes from the sender's defaults.
    const defaults = await d.linkDefaults.get(sender.id);
    const link = await d.links.create(doc, {
      recipient: body.recipient,
      allowDownload: body.allowDownload ?? defaults.allowDownload,
      expiresAt: body.expiresAt,
      access: {
        passcodeHash: body.passcode ? await hashPassword(body.passcode) : null,
        requireEmail: body.requireEmail ?? defaults.requireEmail,
        allow: body.allow ?? defaults.allow,
        deny: body.deny ?? defaults.deny,
        maxViews: body.maxViews === undefined ? defaults.maxViews : body.maxViews,
        watermark: body.watermark ?? defaults.watermark,
      },
    });
    res.status(201).location(`/api/links/${link.id}`).json(d.links.json(link));
  });

  r.get('/api/documents/:id/links', auth, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const sender = senderOf(req);
    await d.documents.get(sender.id, id);
    const rows = await d.links.list(sender.id, id);
    res.json({ links: rows.map((l) => d.links.json(l)) });
  });

  r.get('/api/settings/link-defaults', auth, async (req, res) => {
    res.json(await d.linkDefaults.get(senderOf(req).id));
  });

  r.put('/api/settings/link-defaults', auth, async (req, res) => {
    const body = parse(linkDefaultsBody, req.body ?? {});
    res.json(await d.linkDefaults.put(senderOf(req).id, body));
  });

  r.delete('/api/links/:id', auth, async (req, res) => {
    const { id } = parse(idParam, req.params);
    await d.links.revoke(senderOf(req).id, id);
    res.status(204).end();
  });
  return r;
}
