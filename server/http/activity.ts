// /api/documents/:id/events, /analytics and /visits: what recipients did with a document.
import { Router } from 'express';
import type { Db } from '../../storage/db/index.ts';
import type { Accounts } from '../accounts/senders.ts';
import type { Documents } from '../documents/documents.ts';
import { documentAnalytics, documentVisits } from '../tracking/analytics.ts';
import type { EventStore } from '../tracking/event-store.ts';
import { requireSender } from './auth.ts';
import { senderOf } from './context.ts';
import { idParam } from './documents.schema.ts';
import { visitsQuery } from './activity.schema.ts';
import { parse } from './validate.ts';

export function activityRoutes(d: { db: Db; accounts: Accounts; documents: Documents; events: EventStore }): Router {
  const r = Router();
  const auth = requireSender(d.accounts);

  r.get('/api/documents/:id/events', auth, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const sender = senderOf(req);
    await d.documents.get(sender.id, id);
    res.json({ events: await d.events.forDocument(sender.id, id) });
  });

  r.get('/api/documents/:id/analytics', auth, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const doc = await d.documents.get(senderOf(req).id, id);
    res.json(await documentAnalytics(d.db, id, Number(doc.page_count ?? 0)));
  });

  r.get('/api/documents/:id/visits', auth, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const page = parse(visitsQuery, req.query);
    await d.documents.get(senderOf(req).id, id);
    res.json(await documentVisits(d.db, id, page));
  });
  return r;
}
