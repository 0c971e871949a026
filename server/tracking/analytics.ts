// Per-document reading figures, read from the rollups kept at write time (visit_totals, visit_pages,
// document_pages) and the visit rows, so they cost the same with a thousand events or a million. The sender's own
// views and automated ones are left out unless `include` asks for them.
import { sql } from 'kysely';
import type { Db } from '../../storage/db/index.ts';
import type { Analytics, IncludedViews } from '../api-types.ts';
import { visitsOfDocument } from './visit-scope.ts';

/** Most days `overTime` spans (the last 366 up to today). */
const MAX_DAYS = 366;

export async function documentAnalytics(
  db: Db,
  documentId: string,
  pageCount: number,
  included: IncludedViews = { self: false, automated: false },
  now = new Date(),
): Promise<Analytics> {
  const visits = visitsOfDocument(db, documentId, included);
  const [totals, pages, days, stops, devices, browsers, places, recipients] = await Promise.all([
    visits
      .select((eb) => [
        eb.fn.countAll<number>().as('visits'),
        sql<number>`count(distinct coalesce(links.recipient, visits.viewer_key))`.as('viewers'),
        eb.fn.sum<number>('visit_totals.pages_seen').as('pages_seen'),
        eb.fn.sum<number>('visit_totals.downloads').as('downloads'),
      ])
      .executeTakeFirst(),
    db
      .selectFrom('document_pages')
      .select((eb) => [
        'page',
        eb.fn.sum<number>('total_ms').as('ms'),
        eb.fn.sum<number>('visits').as('visits'),
        eb.fn.sum<number>('downloads').as('downloads'),
      ])
      .where('document_id', '=', documentId)
      .$if(!included.self, (q) => q.where('self', '=', 0))
      .$if(!included.automated, (q) => q.where('automated', '=', 0))
      .groupBy('page')
      .execute(),
    visits
      .select((eb) => [sql<string>`substr(visits.started_at, 1, 10)`.as('day'), eb.fn.countAll<number>().as('n')])
      .groupBy(sql`substr(visits.started_at, 1, 10)`)
      .execute(),
    visits
      .select((eb) => ['visit_totals.last_page as page', eb.fn.countAll<number>().as('n')])
      .where('visit_totals.last_page', 'is not', null)
      .groupBy('visit_totals.last_page')
      .execute(),
    visits
      .select((eb) => ['visits.device_type as name', eb.fn.countAll<number>().as('n')])
      .groupBy('visits.device_type')
      .execute(),
    visits
      .select((eb) => ['visits.browser as name', eb.fn.countAll<number>().as('n')])
      .groupBy('visits.browser')
      .execute(),
    visits
      .select((eb) => ['visits.city', 'visits.country', 'visits.lat', 'visits.lon', eb.fn.countAll<number>().as('n')])
      .where('visits.lat', 'is not', null)
      .where('visits.lon', 'is not', null)
      .groupBy(['visits.country', 'visits.city', 'visits.lat', 'visits.lon'])
      .execute(),
    recipientRows(db, documentId, included),
  ]);
  const byPage = new Map(pages.map((p) => [Number(p.page), p]));
  const list = Array.from({ length: pageCount }, (_, i) => ({
    page: i + 1,
    totalMs: Number(byPage.get(i + 1)?.ms ?? 0),
    visits: Number(byPage.get(i + 1)?.visits ?? 0),
  }));
  const n = Number(totals?.visits ?? 0);
  const totalMs = list.reduce((a, p) => a + p.totalMs, 0);
  const stopped = new Map(stops.map((s) => [Number(s.page), Number(s.n)]));
  const tally = (rows: { name: string | null; n: number }[]) =>
    rows.map((r) => ({ name: r.name ?? 'unknown', visits: Number(r.n) })).sort((a, b) => b.visits - a.visits);
  return {
    visits: n,
    uniqueViewers: Number(totals?.viewers ?? 0),
    totalMs,
    // Page 0 of the rollups: downloads of events purged before the per-visit counts existed.
    downloads: Number(totals?.downloads ?? 0) + Number(byPage.get(0)?.downloads ?? 0),
    pages: list,
    averageMs: n ? Math.round(totalMs / n) : 0,
    completion: n && pageCount ? Math.min(1, Number(totals?.pages_seen ?? 0) / (n * pageCount)) : 0,
    overTime: daySeries(days, now),
    dropOff: list.map((p) => ({ page: p.page, stopped: stopped.get(p.page) ?? 0 })),
    devices: tally(devices),
    browsers: tally(browsers),
    places: places
      .map((p) => ({ city: p.city, country: p.country, lat: Number(p.lat), lon: Number(p.lon), visits: Number(p.n) }))
      .sort((a, b) => b.visits - a.visits),
    recipients,
    included,
  };
}

/** Every UTC day from the first visit's to today (at most the last MAX_DAYS), days without visits as 0. */
export function daySeries(rows: { day: string; n: number }[], now: Date): Analytics['overTime'] {
  if (!rows.length) return [];
  const counts = new Map(rows.map((r) => [r.day, Number(r.n)]));
  const today = Date.parse(now.toISOString().slice(0, 10));
  const first = Math.min(...rows.map((r) => Date.parse(r.day)));
  const start = Math.max(first, today - (MAX_DAYS - 1) * 86_400_000);
  const out: Analytics['overTime'] = [];
  for (let t = start; t <= today; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push({ day, visits: counts.get(day) ?? 0 });
  }
  return out;
}

/** Per known recipient of the document: visits, time, distinct pages seen, where the latest visit stopped, and
 * whether the link was probably forwarded. */
async function recipientRows(db: Db, documentId: string, included: IncludedViews): Promise<Analytics['recipients']> {
  const visits = visitsOfDocument(db, documentId, included).where('links.recipient', 'is not', null);
  const [sums, seen, latest, forwards] = await Promise.all([
    visits
      .select((eb) => [
        'links.recipient',
        eb.fn.countAll<number>().as('visits'),
        eb.fn.sum<number>('visit_totals.accounted_ms').as('ms'),
        eb.fn.max('visits.last_seen_at').as('last_at'),
      ])
      .groupBy('links.recipient')
      .execute(),
    visits
      .innerJoin('visit_pages', 'visit_pages.visit_id', 'visits.id')
      .select(['links.recipient', sql<number>`count(distinct visit_pages.page)`.as('pages')])
      .groupBy('links.recipient')
      .execute(),
    visits
      .select([
        'links.recipient',
        'visit_totals.last_page',
        sql<number>`row_number() over (partition by links.recipient order by visits.started_at desc, visits.id desc)`.as(
          'nth',
        ),
      ])
      .execute(),
    visits.select('links.recipient').distinct().where('visits.forwarded', '=', 1).execute(),
  ]);
  const pagesOf = new Map(seen.map((s) => [s.recipient, Number(s.pages)]));
  const lastOf = new Map(latest.filter((l) => Number(l.nth) === 1).map((l) => [l.recipient, l.last_page]));
  const forwarded = new Set(forwards.map((f) => f.recipient));
  return sums
    .map((s) => ({
      recipient: s.recipient!,
      visits: Number(s.visits),
      totalMs: Number(s.ms ?? 0),
      pagesSeen: pagesOf.get(s.recipient) ?? 0,
      lastPage: lastOf.get(s.recipient) == null ? null : Number(lastOf.get(s.recipient)),
      lastAt: String(s.last_at),
      forwarded: forwarded.has(s.recipient),
    }))
    .sort((a, b) => (a.lastAt < b.lastAt ? 1 : -1));
}
