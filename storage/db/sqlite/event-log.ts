// SQLite event appends with statements prepared once and one synchronous transaction per batch.
import type SQLite from 'better-sqlite3';
import {
  ADD_DOCUMENT_PAGE,
  ADD_LINK_PAGE,
  ADD_VISIT_TOTALS,
  BatchRollup,
  documentPageParams,
  eventRow,
  linkPageParams,
  visitTotalsParams,
  type Appended,
  type EventInput,
  type EventLog,
} from '../event-log.ts';
import type { EventRow, VisitRow } from '../schema.ts';
import { batchStatements, newVisitStatements, type Statement, type VisitKey } from '../visit-rollups.ts';

const COLUMNS = [
  'id',
  'sender_id',
  'seq',
  'type',
  'at',
  'document_id',
  'link_id',
  'visit_id',
  'client_id',
  'recipient',
  'page',
  'duration_ms',
  'device',
  'location',
  'automated',
  'automated_reason',
  'self',
  'message_id',
  'detail',
] as const;

const VISIT_COLUMNS = [
  'id',
  'link_id',
  'document_id',
  'sender_id',
  'started_at',
  'last_seen_at',
  'viewer_key',
  'device',
  'location',
  'automated',
  'self',
  'network',
  'ip',
  'device_type',
  'browser',
  'country',
  'city',
  'lat',
  'lon',
  'forwarded',
  'viewer',
] as const;

/** The append transaction on one connection: prepared once, run synchronously per batch. Used in the event loop
 * (SqliteEventLog) or on the database thread (ThreadEventLog). */
export function sqliteAppender(sqlite: SQLite.Database): (inputs: EventInput[], visits?: VisitRow[]) => Appended[] {
  const prior = sqlite.prepare<[string, string], { seq: number }>(
    'select seq from events where visit_id = ? and client_id = ?',
  );
  const current = sqlite.prepare<[string], { event_seq: number }>('select event_seq from senders where id = ?');
  // Positional parameters: binding by name costs a property lookup per column per row. A re-sent client event
  // is recognised by the insert itself (no change), so only re-sends pay for a lookup.
  const insert = sqlite.prepare(
    `insert into events (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')}) ` +
      'on conflict (client_id, visit_id) do nothing',
  );
  const advance = sqlite.prepare<[number, string]>('update senders set event_seq = ? where id = ?');
  const addTotals = sqlite.prepare(ADD_VISIT_TOTALS);
  const addPage = sqlite.prepare(ADD_DOCUMENT_PAGE);
  const addLinkPage = sqlite.prepare(ADD_LINK_PAGE);
  // A visit's first event on a page inserts its row (a change); later ones add to it.
  const newPair = sqlite.prepare<[string, number, number, number]>(
    'insert into visit_pages (visit_id, page, total_ms, views) values (?, ?, ?, ?) on conflict do nothing',
  );
  const addPair = sqlite.prepare<[number, number, string, number]>(
    'update visit_pages set total_ms = total_ms + ?, views = views + ? where visit_id = ? and page = ?',
  );
  const visit = sqlite.prepare(
    `insert into visits (${VISIT_COLUMNS.join(', ')}) values (${VISIT_COLUMNS.map(() => '?').join(', ')})`,
  );
  // Two point lookups: as one left join the same lookup took about three times as long (40 us against 13 us).
  const visitKey = sqlite.prepare<[string], Omit<VisitKey, 'last_page'>>(
    'select id, document_id, link_id, self, automated from visits where id = ?',
  );
  const lastPage = sqlite
    .prepare<[string], number | null>('select last_page from visit_totals where visit_id = ?')
    .pluck();
  const prepared = new Map<string, SQLite.Statement>();
  const run = ([text, params]: Statement) => {
    let st = prepared.get(text);
    if (!st) prepared.set(text, (st = sqlite.prepare(text)));
    st.run(params);
  };
  // Immediate: the write lock is taken at the start, so a connection elsewhere never makes the batch fail half-way.
  return sqlite.transaction((inputs: EventInput[], visits: VisitRow[] = []) => {
    for (const v of visits) {
      visit.run(VISIT_COLUMNS.map((c) => v[c] ?? null));
      for (const st of newVisitStatements(v)) run(st);
    }
    const seqs = new Map<string, number>();
    const rollup = new BatchRollup();
    const out: Appended[] = [];
    for (const input of inputs) {
      let seq = seqs.get(input.sender_id);
      if (seq === undefined) {
        const s = current.get(input.sender_id);
        if (!s) throw new Error(`no sender ${input.sender_id}`);
        seq = Number(s.event_seq);
      }
      const row: EventRow = eventRow(input, seq + 1);
      if (insert.run(COLUMNS.map((c) => row[c] ?? null)).changes === 0) {
        out.push({ duplicate: true, seq: Number(prior.get(input.visit_id!, input.client_id!)!.seq) });
        continue;
      }
      seqs.set(input.sender_id, seq + 1);
      rollup.add(row);
      out.push({ duplicate: false, row });
    }
    for (const [id, seq] of seqs) advance.run(seq, id);
    const fresh = new Set<object>();
    for (const p of rollup.pairs.values()) {
      if (newPair.run(p.visit_id, p.page, p.ms, p.views).changes) fresh.add(p);
      else addPair.run(p.ms, p.views, p.visit_id, p.page);
    }
    const { visits: totals, pages, links } = rollup.finish((p) => fresh.has(p));
    const before = new Map<string, VisitKey>();
    for (const v of totals) {
      const k = visitKey.get(v.visit_id);
      if (k) before.set(v.visit_id, { ...k, last_page: lastPage.get(v.visit_id) ?? null });
    }
    for (const st of batchStatements(totals, before)) run(st);
    for (const v of totals) addTotals.run(visitTotalsParams(v));
    for (const d of pages) addPage.run(documentPageParams(d));
    for (const l of links) addLinkPage.run(linkPageParams(l));
    return out;
  }).immediate;
}

/** Appends in the event loop, on the connection the query builder also uses (in-memory databases, tests). */
export class SqliteEventLog implements EventLog {
  private readonly run: (inputs: EventInput[], visits?: VisitRow[]) => Appended[];
  private readonly sqlite: SQLite.Database;

  constructor(sqlite: SQLite.Database) {
    this.sqlite = sqlite;
    this.run = sqliteAppender(sqlite);
  }

  async append(inputs: EventInput[], visits?: VisitRow[]): Promise<Appended[]> {
    // The connection is shared with the query builder: never write into one of its open transactions
    // (a rollback there would take these events with it). Once started, the batch runs without a break.
    while (this.sqlite.inTransaction) await new Promise((r) => setImmediate(r));
    return this.run(inputs, visits);
  }
}
