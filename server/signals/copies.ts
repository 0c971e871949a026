// The copies the open pixel and click redirects name: found by the SHA-256 of their token (>= 128 bits, never
// stored in clear), with the message, its sender and recipient; the links each copy's HTML carries; the copy's
// machine window. Found copies are held briefly in memory, so a burst of fetches costs one query.
import type { Db, MessageLinkRow } from '../../storage/db/index.ts';
import { hashSecret } from '../accounts/secrets.ts';

export interface CopyRef {
  copyId: string;
  messageId: string;
  senderId: string;
  recipient: string;
  subject: string | null;
  deliveredAtMs: number | null;
  machineUntilMs: number | null;
  /** A human open of this copy is known (later ones are repeats). */
  opened: boolean;
  links?: Map<number, MessageLinkRow>;
  loadedAt: number;
}

/** The form copy tokens take (24 random bytes, base64url): anything else is not looked up. */
const TOKEN = /^[A-Za-z0-9_-]{32}$/;
const CACHE_MS = 30_000;
const CACHE_MAX = 10_000;

export class CopyDirectory {
  private readonly db: Db;
  private readonly cache = new Map<string, CopyRef>();

  constructor(db: Db) {
    this.db = db;
  }

  async byToken(token: string): Promise<CopyRef | null> {
    if (!TOKEN.test(token)) return null;
    const hash = hashSecret(token);
    const now = Date.now();
    const hit = this.cache.get(hash);
    if (hit && now - hit.loadedAt < CACHE_MS) return hit;
    const row = await this.db
      .selectFrom('message_copies')
      .innerJoin('message_recipients', 'message_recipients.id', 'message_copies.recipient_id')
      .innerJoin('messages', 'messages.id', 'message_copies.message_id')
      .select([
        'message_copies.id as copy_id',
        'message_copies.delivered_at',
        'message_copies.machine_until',
        'message_recipients.address',
        'messages.id as message_id',
        'messages.sender_id',
        'messages.subject',
      ])
      .where('message_copies.token_hash', '=', hash)
      .executeTakeFirst();
    if (!row) return null;
    const ref: CopyRef = {
      copyId: row.copy_id,
      messageId: row.message_id,
      senderId: row.sender_id,
      recipient: row.address,
      subject: row.subject,
      deliveredAtMs: row.delivered_at ? Date.parse(row.delivered_at) : null,
      machineUntilMs: row.machine_until ? Date.parse(row.machine_until) : null,
      opened: hit?.opened ?? false,
      loadedAt: now,
    };
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(hash, ref);
    return ref;
  }

  /** Link `position` of the copy, as stored when the copy was written. */
  async link(ref: CopyRef, position: number): Promise<MessageLinkRow | null> {
    if (!ref.links) {
      const rows = await this.db.selectFrom('message_links').selectAll().where('copy_id', '=', ref.copyId).execute();
      ref.links = new Map(rows.map((r) => [Number(r.position), r]));
    }
    return ref.links.get(position) ?? null;
  }

  /** Whether the copy already has a human open stored (asked once per copy, then known). */
  async humanOpened(ref: CopyRef): Promise<boolean> {
    if (ref.opened) return true;
    const row = await this.db
      .selectFrom('events')
      .select('id')
      .where('message_id', '=', ref.messageId)
      .where('recipient', '=', ref.recipient)
      .where('type', '=', 'email_open')
      .where('automated', '=', 0)
      .where('self', '=', 0)
      .executeTakeFirst();
    ref.opened = Boolean(row);
    return ref.opened;
  }

  /** The copy's opens and clicks until `untilMs` are a machine's. */
  async openMachineWindow(ref: CopyRef, untilMs: number): Promise<void> {
    ref.machineUntilMs = Math.max(ref.machineUntilMs ?? 0, untilMs);
    await this.db
      .updateTable('message_copies')
      .set({ machine_until: new Date(ref.machineUntilMs).toISOString() })
      .where('id', '=', ref.copyId)
      .execute();
  }

  /** Opens and clicks of the copy stored since `sinceMs` and judged human are re-judged a machine's: a honeypot
   * hit or a burst shows what came just before it was the same scanner. */
  async markMachine(ref: CopyRef, sinceMs: number, reason: string): Promise<void> {
    await this.db
      .updateTable('events')
      .set({ automated: 1, automated_reason: reason })
      .where('message_id', '=', ref.messageId)
      .where('recipient', '=', ref.recipient)
      .where('type', 'in', ['email_open', 'click'])
      .where('automated', '=', 0)
      .where('at', '>=', new Date(sinceMs).toISOString())
      .execute();
  }
}
