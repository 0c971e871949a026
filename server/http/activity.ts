// /api/documents/:id/events, /analytics and /visits: what recipients did with a document; /api/recipients and
// /api/recipients/:address/timeline: what each recipient did across the sender's documents and messages.
import { Router } from 'express';
import type { Db } from '../../storage/db/index.ts';
import type { Accounts } from '../accounts/senders.ts';
import type { Documents } from '../documents/documents.ts';
import { documentAnalytics } from '../tracking/analytics.ts';
import type { EventStore } from '../tracking/event-store.ts';
import { recipientTimeline, senderRecipients } from '../tracking/recipients.ts';
import { documentVisits } from '../tracking/visit-list.ts';
import { requireSender } from './auth.ts';
import { senderOf } from './context.ts';
import { idParam } from './documents.schema.ts';
import { analyticsQuery, recipientParam, visitsQuery } from './activity.schema.ts';
import { parse } from './validate.ts';

const HUMAN = { self: false, automated: false };

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
    const { include } = parse(analyticsQuery, req.query);
    const doc = await d.documents.get(senderOf(req).id, id);
    res.json(await documentAnalytics(d.db, id, Number(doc.page_count ?? 0), include ?? HUMAN));
  });

  r.get('/api/documents/:id/visits', auth, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const { limit, before, ...filters } = parse(visitsQuery, req.query);
    await d.documents.get(senderOf(req).id, id);
    res.json(await documentVisits(d.db, id, { limit, before }, filters));
  });

  r.get('/api/recipients', auth, async (req, res) => {
    const { include } = parse(analyticsQuery, req.query);
    res.json(await senderRecipients(d.db, senderOf(req).id, include ?? HUMAN));
  });

  r.get('/api/recipients/:address/timeline', auth, async (req, res) => {
    const { address } = parse(recipientParam, req.params);
    const { include } = parse(analyticsQuery, req.query);
    res.json(await recipientTimeline(d.db, senderOf(req).id, address, include ?? HUMAN));
  });
  return r;
}
