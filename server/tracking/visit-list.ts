// A document's visits, newest first and a page at a time, with each visit's figures from visit_totals (kept at
// write time, so a page costs the same however many events the document has).
import { sql } from 'kysely';
import type { Db } from '../../storage/db/index.ts';
import type { IncludedViews, VisitSummary } from '../api-types.ts';

export interface VisitFilters {
  recipient?: string;
  /** A device type: desktop, mobile, tablet, bot, other. */
  device?: string;
  /** A country code as the place lookup gives it. */
  country?: string;
  /** Set: only human visits and the kinds named; unset: every visit, flagged. */
  include?: IncludedViews;
}

/** A page of visits, newest first; `before` is the `next` cursor of the previous page. */
export async function documentVisits(
  db: Db,
  documentId: string,
  page: { limit?: number; before?: string } = {},
  filters: VisitFilters = {},
): Promise<{ visits: VisitSummary[]; next: string | null }> {
  const limit = page.limit ?? 500;
  const cursor = page.before ? decodeCursor(page.before) : null;
  const { include } = filters;
  // The recipient's links first (few, by the document's index), so the visits are read by link, not by a scan.
  const links =
    filters.recipient === undefined
      ? null
      : (
          await db
            .selectFrom('links')
            .select('id')
            .where('document_id', '=', documentId)
            .where(sql`lower(recipient)`, '=', filters.recipient.toLowerCase())
            .execute()
        ).map((l) => l.id);
  if (links?.length === 0) return { visits: [], next: null };
  // The page's visits first, by the document's index in its order up to the limit; then their link and totals
  // for those rows only (joined before the limit, a planner with stale statistics joined every visit first).
  const pageIds = db
    .selectFrom('visits')
    .select(['visits.id', 'visits.started_at'])
    .where('visits.document_id', '=', documentId)
    .$if(include !== undefined && !include.self, (q) => q.where('visits.self', '=', 0))
    .$if(include !== undefined && !include.automated, (q) => q.where('visits.automated', '=', 0))
    .$if(links !== null, (q) => q.where('visits.link_id', 'in', links!))
    .$if(filters.device !== undefined, (q) => q.where('visits.device_type', '=', filters.device!))
    .$if(filters.country !== undefined, (q) => q.where('visits.country', '=', filters.country!))
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
    .limit(limit + 1);
  const rows = await db
    .selectFrom(pageIds.as('page'))
    .innerJoin('visits', 'visits.id', 'page.id')
    .innerJoin('links', 'links.id', 'visits.link_id')
    .leftJoin('visit_totals', 'visit_totals.visit_id', 'visits.id')
    .select([
      'visits.id',
      'visits.link_id',
      'links.recipient',
      'visits.started_at',
      'visits.device',
      'visits.location',
      'visits.self',
      'visits.automated',
      'visit_totals.accounted_ms',
      'visit_totals.pages_seen',
      'visit_totals.last_page',
      'visit_totals.last_at',
    ])
    .orderBy('page.started_at', 'desc')
    .orderBy('page.id', 'desc')
    .execute();
  const visits = rows.slice(0, limit);
  const last = visits.at(-1);
  const next = rows.length > limit && last ? Buffer.from(`${last.started_at}|${last.id}`).toString('base64url') : null;
  return {
    visits: visits.map((r) => ({
      id: r.id,
      linkId: r.link_id,
      recipient: r.recipient,
      startedAt: r.started_at,
      lastSeenAt: r.last_at ?? r.started_at,
      device: r.device ? JSON.parse(r.device) : null,
      location: r.location ? JSON.parse(r.location) : null,
      totalMs: Number(r.accounted_ms ?? 0),
      pagesViewed: Number(r.pages_seen ?? 0),
      lastPage: r.last_page == null ? null : Number(r.last_page),
      self: Boolean(r.self),
      automated: Boolean(r.automated),
    })),
    next,
  };
}

function decodeCursor(before: string): { startedAt: string; id: string } | null {
  const [startedAt, id] = Buffer.from(before, 'base64url').toString('utf8').split('|');
  return startedAt && id ? { startedAt, id } : null;
}
