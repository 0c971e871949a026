// Appending events is the one hot write path: it has its own seam. SQLite appends with prepared statements (on the
// database thread for a database file, in the event loop for an in-memory one); PostgreSQL in one transaction per
// batch that locks the senders it writes for. Each gives every new event the sender's next `seq` and recognises a
// re-sent client event (same visit and client id) instead of storing it twice. This file is the seam and the helpers
// the adapters share; the adapters import it, never the reverse, and each adapter's open.ts picks its own.
import type { DocumentPagesTable, EventRow, LinkPagesTable, NewEvent, VisitRow } from './schema.ts';

/** An event to store; its id is chosen by the caller, its seq by the log. */
export type EventInput = NewEvent & { id: string };

export type Appended = { duplicate: true; seq: number } | { duplicate: false; row: EventRow };

export interface EventLog {
  /** Stores the events in one transaction, in order. `visits` are new visits some of them open: stored first, in
   * the same transaction, so a visit and its `open` event exist together or not at all. */
  append(inputs: EventInput[], visits?: VisitRow[]): Promise<Appended[]>;
}

const NULLS = {
  document_id: null,
  link_id: null,
  visit_id: null,
  client_id: null,
  recipient: null,
  page: null,
  duration_ms: null,
  device: null,
  location: null,
  automated: 0,
  self: 0,
};

/** A full row from an input: absent columns null, the given seq. */
export function eventRow(input: EventInput, seq: number): EventRow {
  return { ...NULLS, ...input, seq } as EventRow;
}

/** A visit and page a batch has page events for, with their time and count. */
export interface PairFigures {
  visit_id: string;
  page: number;
  document_id: string;
  link_id: string | null;
  self: number;
  automated: number;
  ms: number;
  views: number;
}

/** What a batch adds to a visit's totals. */
export interface VisitFigures {
  visit_id: string;
  accounted_ms: number;
  /** Set after the pairs are stored: how many of the visit's pages are new to it. */
  pages_seen: number;
  last_page: number | null;
  last_at: string | null;
  downloads: number;
}

/** The write-time rollups of one batch (visit_totals, visit_pages, document_pages): summed in memory, then each
 * adapter stores the pairs, learns which are new, and writes the totals with `finish`. */
export class BatchRollup {
  readonly pairs = new Map<string, PairFigures>();
  readonly visits = new Map<string, VisitFigures>();

  add(row: EventRow): void {
    if (!row.visit_id || (row.type !== 'page_view' && row.type !== 'download')) return;
    let v = this.visits.get(row.visit_id);
    if (!v) {
      v = { visit_id: row.visit_id, accounted_ms: 0, pages_seen: 0, last_page: null, last_at: null, downloads: 0 };
      this.visits.set(row.visit_id, v);
    }
    if (row.type === 'download') {
      v.downloads++;
      return;
    }
    // A visit's accounted time is the sum of its page views' durations, whatever else they carry.
    const ms = Number(row.duration_ms ?? 0);
    v.accounted_ms += ms;
    if (v.last_at === null || row.at > v.last_at) v.last_at = row.at;
    if (row.page == null) return;
    v.last_page = Number(row.page);
    if (!row.document_id) return;
    const key = `${row.visit_id}\u0000${row.page}`;
    const p = this.pairs.get(key);
    if (p) {
      p.ms += ms;
      p.views++;
    } else
      this.pairs.set(key, {
        visit_id: row.visit_id,
        page: Number(row.page),
        document_id: row.document_id,
        link_id: row.link_id,
        self: Number(row.self),
        automated: Number(row.automated),
        ms,
        views: 1,
      });
  }

  /** Given the pairs stored for the first time, the visit totals and document page rows to add (in key order,
   * so concurrent batches lock rows in the same order). */
  finish(isNew: (p: PairFigures) => boolean): {
    visits: VisitFigures[];
    pages: DocumentPageFigures[];
    links: LinkPageFigures[];
  } {
    const pages = new Map<string, DocumentPageFigures>();
    const links = new Map<string, LinkPageFigures>();
    for (const p of this.pairs.values()) {
      const fresh = isNew(p);
      if (fresh) this.visits.get(p.visit_id)!.pages_seen++;
      if (fresh && p.link_id) {
        const key = `${p.link_id}\u0000${p.page}\u0000${p.self}\u0000${p.automated}`;
        const l = links.get(key);
        if (l) l.visits++;
        else links.set(key, { link_id: p.link_id, page: p.page, self: p.self, automated: p.automated, visits: 1 });
      }
      const key = `${p.document_id}\u0000${p.page}\u0000${p.self}\u0000${p.automated}`;
      const d = pages.get(key);
      if (d) {
        d.total_ms += p.ms;
        d.visits += fresh ? 1 : 0;
      } else
        pages.set(key, {
          document_id: p.document_id,
          page: p.page,
          self: p.self,
          automated: p.automated,
          total_ms: p.ms,
          visits: fresh ? 1 : 0,
        });
    }
    const byKey = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
    return { visits: byKey(this.visits), pages: byKey(pages), links: byKey(links) };
  }
}

export type DocumentPageFigures = Omit<DocumentPagesTable, 'downloads'>;

export type LinkPageFigures = LinkPagesTable;

/** Adds the visits that saw a page for the first time to the link's page row. */
export const ADD_LINK_PAGE =
  'insert into link_pages (link_id, page, self, automated, visits) values (?, ?, ?, ?, ?) ' +
  'on conflict (link_id, page, self, automated) do update set visits = link_pages.visits + excluded.visits';

export const linkPageParams = (l: LinkPageFigures) => [l.link_id, l.page, l.self, l.automated, l.visits];

/** Adds a batch's figures to a visit's totals; the same statement on SQLite and PostgreSQL. */
export const ADD_VISIT_TOTALS =
  'insert into visit_totals (visit_id, accounted_ms, pages_seen, last_page, last_at, downloads) ' +
  'values (?, ?, ?, ?, ?, ?) on conflict (visit_id) do update set ' +
  'accounted_ms = visit_totals.accounted_ms + excluded.accounted_ms, ' +
  'pages_seen = visit_totals.pages_seen + excluded.pages_seen, ' +
  'last_page = coalesce(excluded.last_page, visit_totals.last_page), ' +
  'last_at = case when excluded.last_at is null then visit_totals.last_at ' +
  'when visit_totals.last_at is null or excluded.last_at > visit_totals.last_at then excluded.last_at ' +
  'else visit_totals.last_at end, ' +
  'downloads = visit_totals.downloads + excluded.downloads';

/** Adds a batch's figures to a document page's rollup. */
export const ADD_DOCUMENT_PAGE =
  'insert into document_pages (document_id, page, self, automated, total_ms, visits, downloads) ' +
  'values (?, ?, ?, ?, ?, ?, 0) on conflict (document_id, page, self, automated) do update set ' +
  'total_ms = document_pages.total_ms + excluded.total_ms, visits = document_pages.visits + excluded.visits';

export const visitTotalsParams = (v: VisitFigures) => [
  v.visit_id,
  v.accounted_ms,
  v.pages_seen,
  v.last_page,
  v.last_at,
  v.downloads,
];
export const documentPageParams = (d: DocumentPageFigures) => [
  d.document_id,
  d.page,
  d.self,
  d.automated,
  d.total_ms,
  d.visits,
];
