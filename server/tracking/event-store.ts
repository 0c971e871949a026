// Stores events with a per-sender `seq`, in batches (one transaction per up to 500 queued events), then
// each event is published on the bus (`event:stored`) in seq order (so a feed can replay from the store and continue live without gaps).
import type { Db, EventLog, EventRow, NewEvent, VisitRow } from '../../storage/db/index.ts';
import type { DomainEvents } from '../events.ts';
import { newSortableId } from '../ids.ts';
import type { ActivityEvent, AttachmentNotice, EmailSignalDetail, EventType, ReplyInfo } from '../domain-types.ts';

const INBOUND_TYPES = new Set(['reply', 'auto_reply', 'bounce']);

export type Stored = { event: ActivityEvent; duplicate: false } | { duplicate: true; seq: number };

interface Pending {
  input: NewEvent;
  /** A new visit this event opens, stored with it. */
  visit?: VisitRow;
  resolve: (s: Stored) => void;
  reject: (e: unknown) => void;
}

// Device and place strings repeat for every event of a visit: parse each once.
const parsed = new Map<string, unknown>();
function json<T>(s: string | null): T | null {
  if (!s) return null;
  let v = parsed.get(s);
  if (v === undefined) {
    if (parsed.size > 5000) parsed.clear();
    parsed.set(s, (v = JSON.parse(s)));
  }
  return v as T;
}

export function toActivity(r: EventRow): ActivityEvent {
  const e: ActivityEvent = {
    id: r.id,
    seq: Number(r.seq),
    type: r.type as EventType,
    at: r.at,
    automated: Boolean(r.automated),
    self: Boolean(r.self),
  };
  if (r.document_id) e.documentId = r.document_id;
  if (r.link_id) e.linkId = r.link_id;
  if (r.visit_id) e.visitId = r.visit_id;
  if (r.recipient !== null) e.recipient = r.recipient;
  if (r.page !== null) e.page = Number(r.page);
  if (r.duration_ms !== null) e.durationMs = Number(r.duration_ms);
  if (r.device) e.device = json(r.device);
  if (r.location) e.location = json(r.location);
  if (r.message_id) e.messageId = r.message_id;
  if (r.automated_reason) e.automatedReason = r.automated_reason;
  if (r.detail && r.type === 'attachment_kept') e.notice = JSON.parse(r.detail) as AttachmentNotice;
  if (r.detail && r.type === 'access_denied') e.reason = (JSON.parse(r.detail) as { reason: string }).reason;
  else if (r.detail && (r.type === 'email_open' || r.type === 'click'))
    Object.assign(e, JSON.parse(r.detail) as EmailSignalDetail);
  else if (r.detail && INBOUND_TYPES.has(r.type)) {
    const { automatedReason, ...reply } = JSON.parse(r.detail) as ReplyInfo & { automatedReason?: string };
    e.reply = reply;
    if (automatedReason) e.automatedReason = automatedReason;
  }
  return e;
}

export class EventStore {
  private readonly db: Db;
  private readonly bus: DomainEvents;
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private readonly maxBatch: number;
  private readonly log: EventLog;

  constructor(db: Db, log: EventLog, bus: DomainEvents, opts: { maxBatch?: number } = {}) {
    this.db = db;
    this.log = log;
    this.bus = bus;
    // A batch is one transaction on the event writer; the event loop breathes between batches, and a bounded
    // batch keeps one publishing turn short.
    this.maxBatch = opts.maxBatch ?? 500;
  }

  /** Resolves once the event is stored (or found to be a re-send of a stored one); `visit`, a new visit the
   * event opens, is stored in the same transaction. */
  append(input: NewEvent, visit?: VisitRow): Promise<Stored> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, visit, resolve, reject });
      // The write waits for the end of this turn of the event loop, so every event read from the sockets in
      // the same turn shares one transaction (one commit per turn, not one per event).
      this.flushing ??= new Promise((r) => setImmediate(r)).then(() => this.flushLoop());
    });
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length) {
        await this.settle(this.queue.splice(0, this.maxBatch));
        if (this.queue.length) await new Promise((r) => setImmediate(r));
      }
    } finally {
      this.flushing = null;
    }
  }

  /** Writes a batch and answers each of its events. A batch is one transaction, so one bad event (its document
   * deleted a moment ago, say) fails all of it: then each event is tried on its own, and only the bad one fails. */
  private async settle(batch: Pending[]): Promise<void> {
    let results: Stored[];
    try {
      results = await this.write(batch);
    } catch (err) {
      if (batch.length === 1) batch[0]!.reject(err);
      else for (const p of batch) await this.settle([p]);
      return;
    }
    batch.forEach((p, i) => {
      const r = results[i]!;
      if (!r.duplicate) this.bus.emit('event:stored', { senderId: p.input.sender_id, event: r.event });
      p.resolve(r);
    });
  }

  private async write(batch: Pending[]): Promise<Stored[]> {
    const visits = batch.flatMap((p) => (p.visit ? [p.visit] : []));
    const appended = await this.log.append(
      batch.map((p) => ({ ...p.input, id: newSortableId('evt') })),
      visits,
    );
    return appended.map((a) => (a.duplicate ? a : { duplicate: false, event: toActivity(a.row) }));
  }

  /** Stored events of a sender after `seq`, oldest first. */
  async after(senderId: string, seq: number, limit = 1000): Promise<ActivityEvent[]> {
    const rows = await this.db
      .selectFrom('events')
      .selectAll()
      .where('sender_id', '=', senderId)
      .where('seq', '>', seq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(toActivity);
  }

  async forDocument(senderId: string, documentId: string): Promise<ActivityEvent[]> {
    const rows = await this.db
      .selectFrom('events')
      .selectAll()
      .where('sender_id', '=', senderId)
      .where('document_id', '=', documentId)
      .orderBy('seq')
      .execute();
    return rows.map(toActivity);
  }

  /** Lets pending writes finish (shutdown). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }
}
