// Per-document reading figures; the sender's own views and automated ones are left out.
import type { Analytics, VisitSummary } from '../api-types.ts';
import { sql } from 'kysely';
import type { Db } from '../../storage/db/index.ts';

export async function documentAnalytics(db: Db, documentId: string, pageCount: number): Promise<Analytics> {
  const human = db.selectFrom('events').where('document_id', '=', documentId).where('self', '=', 0).where('automated', '=', 0);
  const [totals, downloads, pages] = await Promise.all([
    db.selectFrom('visits').innerJoin('links', 'links.id', 'visits.link_id')
      .select([
        (eb) => eb.fn.countAll<number>().as('visits'),
        sql<number>`count(distinct coalesce(links.recipient, visits.viewer_key))`.as('viewers'),
      ])
      .where('visits.document_id', '=', documentId).where('visits.self', '=', 0).where('visits.automated', '=', 0)
      .executeTakeFirst(),
    human.select((eb) => eb.fn.countAll<number>().as('n')).where('type', '=', 'download').executeTakeFirst(),
    human.select(['page', (eb) => eb.fn.sum<number>('duration_ms').as('ms'), sql<number>`count(distinct visit_id)`.as('visits')])
      .where('type', '=', 'page_view').groupBy('page').execute(),
  ]);
  const byPage = new Map(pages.map((p) => [Number(p.page), p]));
  const list = Array.from({ length: pageCount }, (_, i) => {
    const p = byPage.get(i + 1);
    return { page: i + 1, totalMs: Number(p?.ms ?? 0), visits: Number(p?.visits ?? 0) };
  });
  return {
    visits: Number(totals?.visits ?? 0),
    uniqueViewers: Number(totals?.viewers ?? 0),
    totalMs: list.reduce((a, p) => a + p.totalMs, 0),
    downloads: Number(downloads?.n ?? 0),
    pages: list,
  };
}

export async function documentVisits(db: Db, documentId: string): Promise<VisitSummary[]> {
  const rows = await db.selectFrom('visits').innerJoin('links', 'links.id', 'visits.link_id')
    .leftJoin('events', (j) => j.onRef('events.visit_id', '=', 'visits.id').on('events.type', '=', 'page_view'))
    .select([
      'visits.id', 'visits.link_id', 'links.recipient', 'visits.started_at', 'visits.device', 'visits.location', 'visits.self', 'visits.automated',
      (eb) => eb.fn.coalesce(eb.fn.sum<number>('events.duration_ms'), sql<number>`0`).as('ms'),
      sql<number>`count(distinct events.page)`.as('pages'),
      sql<string | null>`max(events.at)`.as('last_at'),
      sql<number | null>`(select e2.page from events e2 where e2.visit_id = visits.id and e2.type = 'page_view' order by e2.seq desc limit 1)`.as('last_page'),
    ])
    .where('visits.document_id', '=', documentId)
    .groupBy(['visits.id', 'visits.link_id', 'links.recipient', 'visits.started_at', 'visits.device', 'visits.location', 'visits.self', 'visits.automated'])
    .orderBy('visits.started_at', 'desc').limit(500).execute();
  return rows.map((r) => ({
    id: r.id, linkId: r.link_id, recipient: r.recipient, startedAt: r.started_at, lastSeenAt: r.last_at ?? r.started_at,
    device: r.device ? JSON.parse(r.device) : null, location: r.location ? JSON.parse(r.location) : null,
    totalMs: Number(r.ms), pagesViewed: Number(r.pages), lastPage: r.last_page === null ? null : Number(r.last_page),
    self: Boolean(r.self), automated: Boolean(r.automated),
  }));
}
