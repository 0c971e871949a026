// Stores events with a per-sender `seq`, in batches: one transaction for everything queued, then
// each event is published in seq order (so a feed can replay from the store and continue live without gaps).
import type { Db, EventRow, NewEvent } from '../../storage/db/index.ts';
import { newId } from '../accounts/secrets.ts';
import type { ActivityEvent, EventType } from '../realtime/protocol.ts';

export type Stored = { event: ActivityEvent; duplicate: false } | { duplicate: true; seq: number };

interface Pending {
  input: NewEvent;
  resolve: (s: Stored) => void;
  reject: (e: unknown) => void;
}

const json = <T>(s: string | null): T | null => (s ? (JSON.parse(s) as T) : null);

export function toActivity(r: EventRow): ActivityEvent {
  const e: ActivityEvent = { id: r.id, seq: Number(r.seq), type: r.type as EventType, at: r.at, automated: Boolean(r.automated), self: Boolean(r.self) };
  if (r.document_id) e.documentId = r.document_id;
  if (r.link_id) e.linkId = r.link_id;
  if (r.visit_id) e.visitId = r.visit_id;
  if (r.recipient !== null) e.recipient = r.recipient;
  if (r.page !== null) e.page = Number(r.page);
  if (r.duration_ms !== null) e.durationMs = Number(r.duration_ms);
  if (r.device) e.device = json(r.device);
  if (r.location) e.location = json(r.location);
  return e;
}

export class EventStore {
  private readonly db: Db;
  private readonly publish: (senderId: string, e: ActivityEvent) => void;
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private readonly maxBatch: number;

  constructor(db: Db, publish: (senderId: string, e: ActivityEvent) => void, opts: { maxBatch?: number } = {}) {
    this.db = db;
    this.publish = publish;
    this.maxBatch = opts.maxBatch ?? 500;
  }

  /** Resolves once the event is stored (or found to be a re-send of a stored one). */
  append(input: NewEvent): Promise<Stored> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.flushing ??= this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const results = await this.write(batch.map((p) => p.input));
          batch.forEach((p, i) => {
            const r = results[i]!;
            if (!r.duplicate) this.publish(p.input.sender_id, r.event);
            p.resolve(r);
          });
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.flushing = null;
    }
  }

  private async write(inputs: NewEvent[]): Promise<Stored[]> {
    return this.db.transaction().execute(async (trx) => {
      const seqs = new Map<string, number>();
      const out: Stored[] = [];
      const rows: EventRow[] = [];
      const seenInBatch = new Map<string, number>();
      for (const input of inputs) {
        if (input.visit_id && input.client_id) {
          const k = `${input.visit_id}\u0000${input.client_id}`;
          const prior = seenInBatch.get(k) ?? (await trx.selectFrom('events').select('seq')
            .where('visit_id', '=', input.visit_id).where('client_id', '=', input.client_id).executeTakeFirst())?.seq;
          if (prior !== undefined) {
            out.push({ duplicate: true, seq: Number(prior) });
            continue;
          }
        }
        let seq = seqs.get(input.sender_id);
        if (seq === undefined) {
          const s = await trx.selectFrom('senders').select('event_seq').where('id', '=', input.sender_id).executeTakeFirstOrThrow();
          seq = Number(s.event_seq);
        }
        seqs.set(input.sender_id, ++seq);
        const row = { ...nullRow, ...input, id: newId('evt'), seq } as EventRow;
        if (input.visit_id && input.client_id) seenInBatch.set(`${input.visit_id}\u0000${input.client_id}`, seq);
        rows.push(row);
        out.push({ duplicate: false, event: toActivity(row) });
      }
      for (let i = 0; i < rows.length; i += 50) await trx.insertInto('events').values(rows.slice(i, i + 50)).execute();
      for (const [id, seq] of seqs) await trx.updateTable('senders').set({ event_seq: seq }).where('id', '=', id).execute();
      return out;
    });
  }

  /** Stored events of a sender after `seq`, oldest first. */
  async after(senderId: string, seq: number, limit = 1000): Promise<ActivityEvent[]> {
    const rows = await this.db.selectFrom('events').selectAll().where('sender_id', '=', senderId).where('seq', '>', seq)
      .orderBy('seq').limit(limit).execute();
    return rows.map(toActivity);
  }

  async forDocument(senderId: string, documentId: string): Promise<ActivityEvent[]> {
    const rows = await this.db.selectFrom('events').selectAll().where('sender_id', '=', senderId).where('document_id', '=', documentId)
      .orderBy('seq').execute();
    return rows.map(toActivity);
  }

  /** Lets pending writes finish (shutdown). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }
}

const nullRow = {
  document_id: null, link_id: null, visit_id: null, client_id: null, recipient: null, page: null, duration_ms: null,
  device: null, location: null, automated: 0, self: 0,
};
