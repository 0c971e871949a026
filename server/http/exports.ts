// Exports: a document's visits and per-page times, a message's recipients and signals, as CSV (one header row)
// and JSON, with the same numbers as the analytics and visits the dashboard shows.
import { Router, type Response } from 'express';
import type { Db } from '../../storage/db/index.ts';
import type { Accounts } from '../accounts/senders.ts';
import { type Cell, toCsv } from '../csv.ts';
import type { Documents } from '../documents/documents.ts';
import { documentAnalytics } from '../tracking/analytics.ts';
import { allVisits, messageRecipients } from '../tracking/exports.ts';
import { requireSender } from './auth.ts';
import { senderOf } from './context.ts';
import { idParam } from './documents.schema.ts';
import { parse } from './validate.ts';

function sendCsv(res: Response, name: string, header: string[], rows: Cell[][]): void {
  res.set('Content-Type', 'text/csv; charset=utf-8');
  res.set('Content-Disposition', `attachment; filename="${name}"`);
  res.send(toCsv(header, rows));
}

const VISIT_COLUMNS = [
  'visit_id',
  'link_id',
  'recipient',
  'started_at',
  'last_seen_at',
  'duration_ms',
  'pages_viewed',
  'last_page',
  'device',
  'os',
  'browser',
  'country',
  'region',
  'city',
  'self',
  'automated',
];

export function exportRoutes(d: { db: Db; accounts: Accounts; documents: Documents }): Router {
  const r = Router();
  const auth = requireSender(d.accounts);

  const visits = async (senderId: string, id: string) => {
    await d.documents.get(senderId, id);
    return allVisits(d.db, id);
  };
  const pages = async (senderId: string, id: string) => {
    const doc = await d.documents.get(senderId, id);
    return (await documentAnalytics(d.db, id, Number(doc.page_count ?? 0))).pages;
  };

  r.get('/api/documents/:id/visits.json', auth, async (req, res) => {
    const { id } = parse(idParam, req.params);
    res.json({ visits: await visits(senderOf(req).id, id) });
  });

  r.get('/api/documents/:id/visits.csv', auth, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const rows = (await visits(senderOf(req).id, id)).map((v) => [
      v.id,
      v.linkId,
      v.recipient,
      v.startedAt,
      v.lastSeenAt,
      v.totalMs,
      v.pagesViewed,
      v.lastPage,
      v.device?.type,
      v.device?.os,
      v.device?.browser,
      v.location?.country,
      v.location?.region,
      v.location?.city,
      v.self,
      v.automated,
    ]);
    sendCsv(res, `visits-${id}.csv`, VISIT_COLUMNS, rows);
  });

  r.get('/api/documents/:id/pages.json', auth, async (req, res) => {
    const { id } = parse(idParam, req.params);
    res.json({ pages: await pages(senderOf(req).id, id) });
  });

  r.get('/api/documents/:id/pages.csv', auth, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const rows = (await pages(senderOf(req).id, id)).map((p) => [p.page, p.totalMs, p.visits]);
    sendCsv(res, `pages-${id}.csv`, ['page', 'total_ms', 'visits'], rows);
  });

  r.get('/api/messages/:id/recipients.json', auth, async (req, res) => {
    const { id } = parse(idParam, req.params);
    res.json({ recipients: await messageRecipients(d.db, senderOf(req).id, id) });
  });

  r.get('/api/messages/:id/recipients.csv', auth, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const rows = (await messageRecipients(d.db, senderOf(req).id, id)).map((x) => [
      x.address,
      x.role,
      x.delivery,
      x.deliveredAt,
      x.emailOpens,
      x.clicks,
      x.replies,
      x.visits,
      x.readingMs,
      x.lastSeenAt,
    ]);
    const header = [
      'address',
      'role',
      'delivery',
      'delivered_at',
      'email_opens',
      'clicks',
      'replies',
      'visits',
      'reading_ms',
      'last_seen_at',
    ];
    sendCsv(res, `recipients-${id}.csv`, header, rows);
  });
  return r;
}
