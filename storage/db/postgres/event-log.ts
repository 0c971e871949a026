// PostgreSQL event appends: one transaction per batch that first locks the row of each sender it writes for (in id
// order, so two batches never wait on each other in a circle). Writers on every instance therefore take turns per
// sender: the seqs they hand out follow on without gaps or repeats, and a re-sent client event committed by another
// instance a moment ago is seen (read committed: each statement after the lock sees every commit before it).
import { sql, type Transaction } from 'kysely';
import { BatchRollup, eventRow, type Appended, type EventInput, type EventLog } from '../event-log.ts';
import type { Database, Db, EventRow, VisitRow } from '../schema.ts';
import { batchStatements, newVisitStatements, runStatements, type VisitKey } from '../visit-rollups.ts';

/** Rows per statement (visits inserted, re-sends looked up): their parameters stay far below the protocol's 65,535. */
const CHUNK = 500;

const keyOf = (i: { visit_id?: string | null; client_id?: string | null }) =>
  i.visit_id && i.client_id ? `${i.client_id}\u0000${i.visit_id}` : null;

function chunks<T>(all: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < all.length; i += CHUNK) out.push(all.slice(i, i + CHUNK));
  return out;
}

export class PostgresEventLog implements EventLog {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  append(inputs: EventInput[], visits: VisitRow[] = []): Promise<Appended[]> {
    return this.db.transaction().execute(async (trx) => {
      const seqs = await lockSenders(trx, inputs);
      for (const part of chunks(visits)) await trx.insertInto('visits').values(part).execute();
      await runStatements(trx, visits.flatMap(newVisitStatements));
      const prior = await storedSeqs(trx, inputs);
      const out: Appended[] = [];
      const rows: EventRow[] = [];
      const rollup = new BatchRollup();
      for (const input of inputs) {
        const key = keyOf(input);
        const seen = key === null ? undefined : prior.get(key);
        if (seen !== undefined) {
          out.push({ duplicate: true, seq: seen });
          continue;
        }
        const seq = seqs.get(input.sender_id)! + 1;
        seqs.set(input.sender_id, seq);
        if (key !== null) prior.set(key, seq);
        const row = eventRow(input, seq);
        rows.push(row);
        rollup.add(row);
        out.push({ duplicate: false, row });
      }
      // One parameter for the whole batch: the rows as JSON, mapped onto the table's columns by name and type (a
      // column a row lacks is null, not its default: eventRow gives every column a value).
      if (rows.length)
        await sql`insert into events select * from json_populate_recordset(null::events, ${JSON.stringify(rows)}::json)`.execute(
          trx,
        );
      const written = new Set(rows.map((r) => r.sender_id));
      for (const id of written)
        await trx
          .updateTable('senders')
          .set({ event_seq: seqs.get(id)! })
          .where('id', '=', id)
          .execute();
      await storeRollup(trx, rollup);
      return out;
    });
  }
}

/** Adds the batch's page figures to visit_pages, then the visits' totals and the document pages' rollups (rows in
 * key order, so two batches lock them in the same order). */
async function storeRollup(trx: Transaction<Database>, rollup: BatchRollup): Promise<void> {
  const pairs = [...rollup.pairs.values()].sort((a, b) =>
    a.visit_id === b.visit_id ? a.page - b.page : a.visit_id < b.visit_id ? -1 : 1,
  );
  const fresh = new Set<string>();
  for (const part of chunks(pairs)) {
    const rows = await trx
      .insertInto('visit_pages')
      .values(part.map((p) => ({ visit_id: p.visit_id, page: p.page, total_ms: p.ms, views: p.views })))
      .onConflict((oc) =>
        oc.columns(['visit_id', 'page']).doUpdateSet((eb) => ({
          total_ms: eb('visit_pages.total_ms', '+', eb.ref('excluded.total_ms')),
          views: eb('visit_pages.views', '+', eb.ref('excluded.views')),
        })),
      )
      // xmax is 0 on a row this statement inserted, not on one it updated.
      .returning(['visit_id', 'page', sql<boolean>`(xmax = 0)`.as('inserted')])
      .execute();
    for (const r of rows) if (r.inserted) fresh.add(`${r.visit_id}\u0000${r.page}`);
  }
  const { visits, pages, links } = rollup.finish((p) => fresh.has(`${p.visit_id}\u0000${p.page}`));
  await runStatements(
    trx,
    batchStatements(
      visits,
      await visitKeys(
        trx,
        visits.map((v) => v.visit_id),
      ),
    ),
  );
  for (const part of chunks(visits))
    await trx
      .insertInto('visit_totals')
      .values(part)
      .onConflict((oc) =>
        oc.column('visit_id').doUpdateSet((eb) => ({
          accounted_ms: eb('visit_totals.accounted_ms', '+', eb.ref('excluded.accounted_ms')),
          pages_seen: eb('visit_totals.pages_seen', '+', eb.ref('excluded.pages_seen')),
          last_page: sql`coalesce(excluded.last_page, visit_totals.last_page)`,
          last_at: sql`greatest(visit_totals.last_at, excluded.last_at)`,
          downloads: eb('visit_totals.downloads', '+', eb.ref('excluded.downloads')),
        })),
      )
      .execute();
  for (const part of chunks(pages))
    await trx
      .insertInto('document_pages')
      .values(part.map((d) => ({ ...d, downloads: 0 })))
      .onConflict((oc) =>
        oc.columns(['document_id', 'page', 'self', 'automated']).doUpdateSet((eb) => ({
          total_ms: eb('document_pages.total_ms', '+', eb.ref('excluded.total_ms')),
          visits: eb('document_pages.visits', '+', eb.ref('excluded.visits')),
        })),
      )
      .execute();
  for (const part of chunks(links))
    await trx
      .insertInto('link_pages')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['link_id', 'page', 'self', 'automated']).doUpdateSet((eb) => ({
          visits: eb('link_pages.visits', '+', eb.ref('excluded.visits')),
        })),
      )
      .execute();
}

/** The batch's visits' keys and last pages before their totals are added. */
async function visitKeys(trx: Transaction<Database>, ids: string[]): Promise<Map<string, VisitKey>> {
  const out = new Map<string, VisitKey>();
  for (const part of chunks(ids)) {
    const rows = await trx
      .selectFrom('visits')
      .leftJoin('visit_totals', 'visit_totals.visit_id', 'visits.id')
      .select([
        'visits.id',
        'visits.document_id',
        'visits.link_id',
        'visits.self',
        'visits.automated',
        'visit_totals.last_page',
      ])
      .where('visits.id', 'in', part)
      .execute();
    for (const r of rows) out.set(r.id, r);
  }
  return out;
}

/** Locks each sender's row until commit and returns its last seq. */
async function lockSenders(trx: Transaction<Database>, inputs: EventInput[]): Promise<Map<string, number>> {
  const ids = [...new Set(inputs.map((i) => i.sender_id))].sort();
  if (!ids.length) return new Map();
  const rows = await trx
    .selectFrom('senders')
    .select(['id', 'event_seq'])
    .where('id', 'in', ids)
    .orderBy('id')
    .forUpdate()
    .execute();
  const seqs = new Map(rows.map((r) => [r.id, Number(r.event_seq)]));
  for (const id of ids) if (!seqs.has(id)) throw new Error(`no sender ${id}`);
  return seqs;
}

/** The seqs of the batch's client events already stored (re-sends), by client and visit id. */
async function storedSeqs(trx: Transaction<Database>, inputs: EventInput[]): Promise<Map<string, number>> {
  const keyed = new Map<string, EventInput>();
  for (const i of inputs) {
    const key = keyOf(i);
    if (key !== null) keyed.set(key, i);
  }
  const found = new Map<string, number>();
  for (const part of chunks([...keyed.values()])) {
    const rows = await trx
      .selectFrom('events')
      .select(['client_id', 'visit_id', 'seq'])
      .where(({ eb, refTuple, tuple }) =>
        eb(
          refTuple('client_id', 'visit_id'),
          'in',
          part.map((i) => tuple(i.client_id!, i.visit_id!)),
        ),
      )
      .execute();
    for (const r of rows) found.set(keyOf(r)!, Number(r.seq));
  }
  return found;
}
