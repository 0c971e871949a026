// Event appends through the query builder, for any database the builder speaks (one transaction per batch).
import { addDuration, eventRow, type Appended, type EventInput, type EventLog } from './event-log.ts';
import type { Db, EventRow, VisitRow } from './schema.ts';

export class KyselyEventLog implements EventLog {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  append(inputs: EventInput[], visits: VisitRow[] = []): Promise<Appended[]> {
    return this.db.transaction().execute(async (trx) => {
      if (visits.length) await trx.insertInto('visits').values(visits).execute();
      // First which inputs are re-sends; then one `event_seq + k` per sender, which also locks the sender's row
      // until commit, so concurrent writers never hand out the same seq.
      const inBatch = new Set<string>();
      const keys = inputs.map((i) => (i.visit_id && i.client_id ? `${i.visit_id}\u0000${i.client_id}` : null));
      const fresh: (EventInput | { duplicate: true; seq: number } | null)[] = [];
      const count = new Map<string, number>();
      for (const [n, input] of inputs.entries()) {
        const key = keys[n];
        if (key && inBatch.has(key)) {
          fresh.push(null);
          continue;
        }
        const prior = key
          ? (
              await trx
                .selectFrom('events')
                .select('seq')
                .where('visit_id', '=', input.visit_id!)
                .where('client_id', '=', input.client_id!)
                .executeTakeFirst()
            )?.seq
          : undefined;
        if (prior !== undefined) {
          fresh.push({ duplicate: true, seq: Number(prior) });
        } else {
          if (key) inBatch.add(key);
          fresh.push(input);
          count.set(input.sender_id, (count.get(input.sender_id) ?? 0) + 1);
        }
      }
      const next = new Map<string, number>();
      for (const [id, k] of count) {
        const r = await trx
          .updateTable('senders')
          .set((eb) => ({ event_seq: eb('event_seq', '+', k) }))
          .where('id', '=', id)
          .returning('event_seq')
          .executeTakeFirst();
        if (!r) throw new Error(`no sender ${id}`);
        next.set(id, Number(r.event_seq) - k);
      }
      const out: Appended[] = [];
      const rows: EventRow[] = [];
      const accounted = new Map<string, number>();
      const seqOf = new Map<string, number>();
      fresh.forEach((f, n) => {
        const key = keys[n];
        if (f === null) return out.push({ duplicate: true, seq: seqOf.get(key!)! });
        if ('duplicate' in f) return out.push(f);
        const seq = next.get(f.sender_id)! + 1;
        next.set(f.sender_id, seq);
        if (key) seqOf.set(key, seq);
        const row = eventRow(f, seq);
        rows.push(row);
        addDuration(accounted, row);
        return out.push({ duplicate: false, row });
      });
      for (let i = 0; i < rows.length; i += 50)
        await trx
          .insertInto('events')
          .values(rows.slice(i, i + 50))
          .execute();
      for (const [visit, ms] of accounted) {
        await trx
          .insertInto('visit_totals')
          .values({ visit_id: visit, accounted_ms: ms })
          .onConflict((oc) =>
            oc.column('visit_id').doUpdateSet({
              accounted_ms: (eb) => eb('visit_totals.accounted_ms', '+', eb.ref('excluded.accounted_ms')),
            }),
          )
          .execute();
      }
      return out;
    });
  }
}
