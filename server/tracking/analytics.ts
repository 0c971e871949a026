// Per-document reading figures, read from the rollups kept at write time (visit_totals, visit_pages,
// document_pages) and the visit rows, so they cost the same with a thousand events or a million. The sender's own
// views and automated ones are left out unless `include` asks for them.
import { sql } from 'kysely';
import type { Db } from '../../storage/db/index.ts';
import type { Analytics, IncludedViews } from '../api-types.ts';

/** Most days `overTime` spans (the last 366 up to today). */
const MAX_DAYS = 366;

export async function documentAnalytics(
  db: Db,
  documentId: string,
  pageCount: number,
  included: IncludedViews = { self: false, automated: false },
  now = new Date(),
): Promise<Analytics> {
  const [viewers, perStop, pages, dayShapes, recipients] = await Promise.all([
    db
      .selectFrom('document_viewers')
      .select(sql<number>`count(distinct viewer)`.as('viewers'))
      .where('document_id', '=', documentId)
      .where('visits', '>', 0)
      .$if(!included.self, (q) => q.where('self', '=', 0))
      .$if(!included.automated, (q) => q.where('automated', '=', 0))
      .executeTakeFirst(),
    // Visits, pages seen and downloads per last page (the drop-off).
    db
      .selectFrom('document_stops')
      .select((eb) => [
        'last_page as page',
        eb.fn.sum<number>('visits').as('n'),
        eb.fn.sum<number>('pages_seen').as('pages_seen'),
        eb.fn.sum<number>('downloads').as('downloads'),
      ])
      .where('document_id', '=', documentId)
      .groupBy('last_page')
      .$if(!included.self, (q) => q.where('self', '=', 0))
      .$if(!included.automated, (q) => q.where('automated', '=', 0))
      .execute(),
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
    // Visits per day and shape (device, browser, place); summed per figure below.
    db
      .selectFrom('document_visit_days')
      .select((eb) => ['day', 'shape', eb.fn.sum<number>('visits').as('n')])
      .where('document_id', '=', documentId)
      .groupBy(['day', 'shape'])
      .$if(!included.self, (q) => q.where('self', '=', 0))
      .$if(!included.automated, (q) => q.where('automated', '=', 0))
      .execute(),
    recipientRows(db, documentId, included),
  ]);
  const shapes = dayShapes
    .filter((r) => Number(r.n) > 0)
    .map((r) => {
      const [device_type, browser, country, city, lat, lon] = JSON.parse(r.shape) as [
        string | null,
        string | null,
        string | null,
        string | null,
        number | null,
        number | null,
      ];
      return { day: r.day, device_type, browser, country, city, lat, lon, n: r.n };
    });
  const sum = (f: (r: (typeof perStop)[number]) => unknown) => perStop.reduce((a, r) => a + Number(f(r) ?? 0), 0);
  const totals = {
    visits: sum((r) => r.n),
    viewers: viewers?.viewers,
    pages_seen: sum((r) => r.pages_seen),
    downloads: sum((r) => r.downloads),
  };
  const stops = perStop.filter((r) => Number(r.page) > 0);
  const byPage = new Map(pages.map((p) => [Number(p.page), p]));
  const list = Array.from({ length: pageCount }, (_, i) => ({
    page: i + 1,
    totalMs: Number(byPage.get(i + 1)?.ms ?? 0),
    visits: Number(byPage.get(i + 1)?.visits ?? 0),
  }));
  const n = Number(totals?.visits ?? 0);
  const totalMs = list.reduce((a, p) => a + p.totalMs, 0);
  const stopped = new Map(stops.map((s) => [Number(s.page), Number(s.n)]));
  const tally = <K>(key: (r: (typeof shapes)[number]) => K | null) => {
    const m = new Map<K | null, number>();
    for (const r of shapes) m.set(key(r), (m.get(key(r)) ?? 0) + Number(r.n));
    return m;
  };
  const named = (m: Map<string | null, number>) =>
    [...m].map(([name, visits]) => ({ name: name ?? 'unknown', visits })).sort((a, b) => b.visits - a.visits);
  const days = [...tally((r) => r.day)].map(([day, n]) => ({ day: day!, n }));
  const placed = tally((r) =>
    r.lat == null || r.lon == null ? null : JSON.stringify([r.country, r.city, r.lat, r.lon]),
  );
  placed.delete(null);
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
    devices: named(tally((r) => r.device_type)),
    browsers: named(tally((r) => r.browser)),
    places: [...placed]
      .map(([key, visits]) => {
        const [country, city, lat, lon] = JSON.parse(key!) as [string | null, string | null, number, number];
        return { city, country, lat: Number(lat), lon: Number(lon), visits };
      })
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
  const [sums, lastSeen, seen, latest] = await Promise.all([
    // Visits, time and forwards per recipient from the links' totals.
    db
      .selectFrom('link_totals')
      .innerJoin('links', 'links.id', 'link_totals.link_id')
      .select((eb) => [
        'links.recipient',
        eb.fn.sum<number>('link_totals.visits').as('visits'),
        eb.fn.sum<number>('link_totals.accounted_ms').as('ms'),
        eb.fn.sum<number>('link_totals.forwarded').as('forwarded'),
      ])
      .where('links.document_id', '=', documentId)
      .where('links.recipient', 'is not', null)
      .$if(!included.self, (q) => q.where('link_totals.self', '=', 0))
      .$if(!included.automated, (q) => q.where('link_totals.automated', '=', 0))
      .groupBy('links.recipient')
      .execute(),
    // The latest contact per recipient, from the visits_link_kind_seen index.
    db
      .selectFrom('links')
      .innerJoin('visits', 'visits.link_id', 'links.id')
      .select((eb) => ['links.recipient', eb.fn.max('visits.last_seen_at').as('last_at')])
      .where('links.document_id', '=', documentId)
      .where('links.recipient', 'is not', null)
      .$if(!included.self, (q) => q.where('visits.self', '=', 0))
      .$if(!included.automated, (q) => q.where('visits.automated', '=', 0))
      .groupBy('links.recipient')
      .execute(),
    db
      .selectFrom('link_pages')
      .innerJoin('links', 'links.id', 'link_pages.link_id')
      .select(['links.recipient', sql<number>`count(distinct link_pages.page)`.as('pages')])
      .where('links.document_id', '=', documentId)
      .where('links.recipient', 'is not', null)
      .where('link_pages.visits', '>', 0)
      .$if(!included.self, (q) => q.where('link_pages.self', '=', 0))
      .$if(!included.automated, (q) => q.where('link_pages.automated', '=', 0))
      .groupBy('links.recipient')
      .execute(),
    // The latest visit of each recipient's link (visits_link_started), then the latest over a recipient's links.
    db
      .selectFrom('links')
      .select((eb) => [
        'links.recipient',
        eb
          .selectFrom('visits')
          .leftJoin('visit_totals', 'visit_totals.visit_id', 'visits.id')
          .select(
            sql<string>`visits.started_at || '|' || coalesce(cast(visit_totals.last_page as text), '')`.as('latest'),
          )
          .whereRef('visits.link_id', '=', 'links.id')
          .$if(!included.self, (q) => q.where('visits.self', '=', 0))
          .$if(!included.automated, (q) => q.where('visits.automated', '=', 0))
          .orderBy('visits.started_at', 'desc')
          .limit(1)
          .as('latest'),
      ])
      .where('links.document_id', '=', documentId)
      .where('links.recipient', 'is not', null)
      .execute(),
  ]);
  const pagesOf = new Map(seen.map((s) => [s.recipient, Number(s.pages)]));
  const lastOf = new Map<string | null, number | null>();
  const newest = new Map<string | null, string>();
  for (const l of latest) {
    if (!l.latest) continue;
    const [at = '', page = ''] = String(l.latest).split('|');
    if ((newest.get(l.recipient) ?? '') >= at) continue;
    newest.set(l.recipient, at);
    lastOf.set(l.recipient, page === '' ? null : Number(page));
  }
  const lastAt = new Map(lastSeen.map((l) => [l.recipient, l.last_at]));
  return sums
    .filter((s) => Number(s.visits) > 0)
    .map((s) => ({
      recipient: s.recipient!,
      visits: Number(s.visits),
      totalMs: Number(s.ms ?? 0),
      pagesSeen: pagesOf.get(s.recipient) ?? 0,
      lastPage: lastOf.get(s.recipient) == null ? null : Number(lastOf.get(s.recipient)),
      lastAt: String(lastAt.get(s.recipient)),
      forwarded: Number(s.forwarded) > 0,
    }))
    .sort((a, b) => (a.lastAt < b.lastAt ? 1 : -1));
}
