// Per-document reading figures; the sender's own views and automated ones are left out.
import type { Analytics, VisitSummary } from '../api-types.ts';
import { sql } from 'kysely';
import type { Db } from '../../storage/db/index.ts';

export async function documentAnalytics(
  db: Db,
  documentId: string,
  pageCount: number,
): Promise<Pick<Analytics, 'visits' | 'uniqueViewers' | 'totalMs' | 'downloads' | 'pages'>> {
  const human = db
    .selectFrom('events')
    .where('document_id', '=', documentId)
    .where('self', '=', 0)
    .where('automated', '=', 0);
  const [totals, downloads, pages, rollups] = await Promise.all([
    db
      .selectFrom('visits')
      .innerJoin('links', 'links.id', 'visits.link_id')
      .select([
        (eb) => eb.fn.countAll<number>().as('visits'),
        sql<number>`count(distinct coalesce(links.recipient, visits.viewer_key))`.as('viewers'),
      ])
      .where('visits.document_id', '=', documentId)
      .where('visits.self', '=', 0)
      .where('visits.automated', '=', 0)
      .executeTakeFirst(),
    human
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('type', '=', 'download')
      .executeTakeFirst(),
    human
      .select([
        'page',
        (eb) => eb.fn.sum<number>('duration_ms').as('ms'),
        sql<number>`count(distinct visit_id)`.as('visits'),
      ])
      .where('type', '=', 'page_view')
      .groupBy('page')
      .execute(),
    // Totals of purged events (RETENTION_DAYS); page 0 holds the document's downloads.
    db.selectFrom('page_rollups').selectAll().where('document_id', '=', documentId).execute(),
  ]);
  const byPage = new Map(pages.map((p) => [Number(p.page), p]));
  const rolled = new Map(rollups.map((r) => [Number(r.page), r]));
  const list = Array.from({ length: pageCount }, (_, i) => {
    const p = byPage.get(i + 1);
    const r = rolled.get(i + 1);
    return {
      page: i + 1,
      totalMs: Number(p?.ms ?? 0) + Number(r?.total_ms ?? 0),
      visits: Number(p?.visits ?? 0) + Number(r?.visits ?? 0),
    };
  });
  return {
    visits: Number(totals?.visits ?? 0),
    uniqueViewers: Number(totals?.viewers ?? 0),
    totalMs: list.reduce((a, p) => a + p.totalMs, 0),
    downloads: Number(downloads?.n ?? 0) + Number(rolled.get(0)?.downloads ?? 0),
    pages: list,
  };
}

/** A page of visits, newest first; `before` is the `next` cursor of the previous page. */
export async function documentVisits(
  db: Db,
  documentId: string,
  page: { limit?: number; before?: string } = {},
): Promise<{ visits: VisitSummary[]; next: string | null }> {
  const limit = page.limit ?? 500;
  const cursor = page.before ? decodeCursor(page.before) : null;
  const rows = await db
    .selectFrom('visits')
    .innerJoin('links', 'links.id', 'visits.link_id')
    .leftJoin('visit_totals', 'visit_totals.visit_id', 'visits.id')
    .select([
      'visits.id',
      'visits.link_id',
      'visit_totals.accounted_ms',
      'links.recipient',
      'visits.started_at',
      'visits.device',
      'visits.location',
      'visits.self',
      'visits.automated',
    ])
    .where('visits.document_id', '=', documentId)
    .$if(cursor !== null, (q) =>
      q.where((eb) =>
        eb.or([
          eb('visits.started_at', '<', cursor!.startedAt),
          eb.and([eb('visits.started_at', '=', cursor!.startedAt), eb('visits.id', '<', cursor!.id)]),
        ]),
      ),
    )
    .orderBy('visits.started_at', 'desc')
    .orderBy('visits.id', 'desc')
    .limit(limit + 1)
    .execute();
  const visits = rows.slice(0, limit);
  const last = visits.at(-1);
  const next = rows.length > limit && last ? Buffer.from(`${last.started_at}|${last.id}`).toString('base64url') : null;
  return { visits: await summarise(db, documentId, visits), next };
}

function decodeCursor(before: string): { startedAt: string; id: string } | null {
  const [startedAt, id] = Buffer.from(before, 'base64url').toString('utf8').split('|');
  return startedAt && id ? { startedAt, id } : null;
}

type VisitListRow = {
  id: string;
  /** The visit's time so far, kept when its events are purged (RETENTION_DAYS). */
  accounted_ms: number | null;
  link_id: string;
  recipient: string | null;
  started_at: string;
  device: string | null;
  location: string | null;
  self: number;
  automated: number;
};

async function summarise(db: Db, documentId: string, visits: VisitListRow[]): Promise<VisitSummary[]> {
  if (!visits.length) return [];
  // Per-visit figures come from the document's page events, read through the (document, seq) index.
  const pageViews = db.selectFrom('events').where('document_id', '=', documentId).where('type', '=', 'page_view');
  const [sums, lasts] = await Promise.all([
    pageViews
      .select([
        'visit_id',
        (eb) => eb.fn.sum<number>('duration_ms').as('ms'),
        sql<number>`count(distinct page)`.as('pages'),
        (eb) => eb.fn.max('at').as('last_at'),
      ])
      .groupBy('visit_id')
      .execute(),
    pageViews
      .select(['visit_id', 'page'])
      .where('seq', 'in', pageViews.select((eb) => eb.fn.max('seq').as('seq')).groupBy('visit_id'))
      .execute(),
  ]);
  const sumOf = new Map(sums.map((r) => [r.visit_id, r]));
  const lastPageOf = new Map(lasts.map((r) => [r.visit_id, r.page]));
  return visits.map((r) => {
    const sum = sumOf.get(r.id);
    const lastPage = lastPageOf.get(r.id);
    return {
      id: r.id,
      linkId: r.link_id,
      recipient: r.recipient,
      startedAt: r.started_at,
      lastSeenAt: sum?.last_at ?? r.started_at,
      device: r.device ? JSON.parse(r.device) : null,
      location: r.location ? JSON.parse(r.location) : null,
      totalMs: Number(sum?.ms ?? r.accounted_ms ?? 0),
      pagesViewed: Number(sum?.pages ?? 0),
      lastPage: lastPage == null ? null : Number(lastPage),
      self: Boolean(r.self),
      automated: Boolean(r.automated),
    };
  });
}
