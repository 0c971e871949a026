// Per-document visit rollups kept in the append transaction (migration 0014_analytics_rollups), so a document's
// analytics read a few hundred rows however many visits it has: visits per day and shape (device, browser, place),
// per viewer (unique viewers), per last page (drop-off, with pages seen and downloads) and per link (a
// recipient's visits, time and forwards). Each row is keyed by the kind of reader (self, automated), like
// document_pages. The statements are plain SQL with `?` parameters, the same on SQLite and PostgreSQL; every one
// adds to its row, so their order within a batch does not matter.
import { type Kysely, sql } from 'kysely';
import type { VisitFigures } from './event-log.ts';
import type { VisitRow } from './schema.ts';

export type Statement = [text: string, params: unknown[]];

/** What a visit's figures are filed under, and where its drop-off stood before a batch. */
export interface VisitKey {
  id: string;
  document_id: string;
  link_id: string;
  self: number;
  automated: number;
  /** The visit's last page before the batch; null: none yet (filed as page 0). */
  last_page: number | null;
}

/** The columns of a visit its day/shape and viewer rows are keyed by. */
export type VisitShape = Pick<
  VisitRow,
  'document_id' | 'self' | 'automated' | 'started_at' | 'device_type' | 'browser' | 'country' | 'city' | 'lat' | 'lon'
> & { viewer: string | null; link_id: string; forwarded: number | null };

/** The grouping key of a visit's device, browser and place, one text column (so it is never null in a key). */
export const shapeKey = (v: Pick<VisitShape, 'device_type' | 'browser' | 'country' | 'city' | 'lat' | 'lon'>) =>
  JSON.stringify([
    v.device_type ?? null,
    v.browser ?? null,
    v.country ?? null,
    v.city ?? null,
    v.lat == null ? null : Number(v.lat),
    v.lon == null ? null : Number(v.lon),
  ]);

export const ADD_VISIT_DAY =
  'insert into document_visit_days (document_id, self, automated, day, shape, visits) values (?, ?, ?, ?, ?, ?) ' +
  'on conflict (document_id, self, automated, day, shape) do update set ' +
  'visits = document_visit_days.visits + excluded.visits';

export const ADD_VIEWER =
  'insert into document_viewers (document_id, viewer, self, automated, visits) values (?, ?, ?, ?, ?) ' +
  'on conflict (document_id, viewer, self, automated) do update set visits = document_viewers.visits + excluded.visits';

export const ADD_STOP =
  'insert into document_stops (document_id, self, automated, last_page, visits, pages_seen, downloads) ' +
  'values (?, ?, ?, ?, ?, ?, ?) on conflict (document_id, self, automated, last_page) do update set ' +
  'visits = document_stops.visits + excluded.visits, pages_seen = document_stops.pages_seen + excluded.pages_seen, ' +
  'downloads = document_stops.downloads + excluded.downloads';

export const ADD_LINK_TOTALS =
  'insert into link_totals (link_id, self, automated, visits, accounted_ms, forwarded) values (?, ?, ?, ?, ?, ?) ' +
  'on conflict (link_id, self, automated) do update set visits = link_totals.visits + excluded.visits, ' +
  'accounted_ms = link_totals.accounted_ms + excluded.accounted_ms, ' +
  'forwarded = link_totals.forwarded + excluded.forwarded';

/** A visit's own rows (day and shape, viewer, link), added (sign 1) or taken away (sign -1). */
export function visitStatements(v: VisitShape, sign: 1 | -1, kind = { self: v.self, automated: v.automated }) {
  const out: Statement[] = [
    [ADD_VISIT_DAY, [v.document_id, kind.self, kind.automated, v.started_at.slice(0, 10), shapeKey(v), sign]],
    [ADD_LINK_TOTALS, [v.link_id, kind.self, kind.automated, sign, 0, sign * (v.forwarded ? 1 : 0)]],
  ];
  if (v.viewer != null) out.push([ADD_VIEWER, [v.document_id, v.viewer, kind.self, kind.automated, sign]]);
  return out;
}

/** A new visit: its own rows, and one visit stopped at no page yet. */
export function newVisitStatements(v: VisitRow): Statement[] {
  const shape = { ...v, viewer: v.viewer ?? null, forwarded: v.forwarded ?? null };
  return [...visitStatements(shape, 1), [ADD_STOP, [v.document_id, v.self, v.automated, 0, 1, 0, 0]]];
}

/** Statements that add to the same row (the same text and leading `keys` parameters) become one, their other
 * parameters summed: a batch of many visits of one document or link writes its drop-off and link rows once. */
class SummedStatements {
  /** Per statement text, its rows by their key parameters. */
  private readonly rows = new Map<string, Map<string, Statement>>();

  add(text: string, keys: number, params: unknown[]): void {
    let byKey = this.rows.get(text);
    if (!byKey) this.rows.set(text, (byKey = new Map()));
    const key = JSON.stringify(params.slice(0, keys));
    const row = byKey.get(key);
    if (!row) {
      byKey.set(key, [text, params]);
      return;
    }
    for (let i = keys; i < params.length; i++) row[1][i] = Number(row[1][i]) + Number(params[i]);
  }

  list(): Statement[] {
    return [...this.rows.values()].flatMap((byKey) => [...byKey.values()]);
  }
}

/** What a batch's visit totals change in the drop-off and link rows, given each visit's key before the batch. */
export function batchStatements(totals: VisitFigures[], before: Map<string, VisitKey>): Statement[] {
  const out = new SummedStatements();
  for (const t of totals) {
    const k = before.get(t.visit_id);
    if (!k) continue;
    const from = k.last_page ?? 0;
    const to = t.last_page ?? from;
    if (to !== from) out.add(ADD_STOP, 4, [k.document_id, k.self, k.automated, from, -1, 0, 0]);
    if (to !== from || t.pages_seen || t.downloads)
      out.add(ADD_STOP, 4, [k.document_id, k.self, k.automated, to, to !== from ? 1 : 0, t.pages_seen, t.downloads]);
    if (t.accounted_ms) out.add(ADD_LINK_TOTALS, 3, [k.link_id, k.self, k.automated, 0, t.accounted_ms, 0]);
  }
  return out.list();
}

/** Runs statements through the query builder (its dialect numbers the parameters). */
export async function runStatements(db: Kysely<any>, statements: Statement[]): Promise<void> {
  for (const [text, params] of statements) {
    const parts = text.split('?');
    await sql(Object.assign(parts, { raw: parts }) as unknown as TemplateStringsArray, ...params).execute(db);
  }
}

/** A visit re-judged after the fact (see document-pages.ts): its rollup rows move from one kind to the other. */
export async function moveVisitFigures(
  db: Kysely<any>,
  visitId: string,
  from: { self: number; automated: number },
  to: { self: number; automated: number },
): Promise<void> {
  const v = await db
    .selectFrom('visits')
    .leftJoin('visit_totals', 'visit_totals.visit_id', 'visits.id')
    .select([
      'visits.document_id',
      'visits.link_id',
      'visits.started_at',
      'visits.device_type',
      'visits.browser',
      'visits.country',
      'visits.city',
      'visits.lat',
      'visits.lon',
      'visits.viewer',
      'visits.forwarded',
      'visit_totals.last_page',
      'visit_totals.pages_seen',
      'visit_totals.downloads',
      'visit_totals.accounted_ms',
    ])
    .where('visits.id', '=', visitId)
    .executeTakeFirst();
  if (!v) return;
  const shape = { ...v, ...from } as VisitShape;
  const stop = (kind: typeof from, sign: number): Statement => [
    ADD_STOP,
    [
      v.document_id,
      kind.self,
      kind.automated,
      Number(v.last_page ?? 0),
      sign,
      sign * Number(v.pages_seen ?? 0),
      sign * Number(v.downloads ?? 0),
    ],
  ];
  const ms = (kind: typeof from, sign: number): Statement => [
    ADD_LINK_TOTALS,
    [v.link_id, kind.self, kind.automated, 0, sign * Number(v.accounted_ms ?? 0), 0],
  ];
  await runStatements(db, [
    ...visitStatements(shape, -1, from),
    ...visitStatements(shape, 1, to),
    stop(from, -1),
    stop(to, 1),
    ms(from, -1),
    ms(to, 1),
  ]);
}
