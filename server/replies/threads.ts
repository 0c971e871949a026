// The replies domain's reads and writes: the sender's tracked message a Message-ID names, its recipients, what
// earlier replies in its thread said, and the inbound messages already taken. Every read is scoped to the sender.
import type { Db, InboundMessageRow, MessageRow } from '../../storage/db/index.ts';
import type { Recipient } from './attribution.ts';

export class Threads {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** The sender's sent message with one of these Message-IDs, the first named winning (In-Reply-To leads). */
  async messageFor(senderId: string, ids: string[]): Promise<MessageRow | undefined> {
    if (!ids.length) return undefined;
    const rows = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('sender_id', '=', senderId)
      .where('message_id', 'in', ids)
      .where('status', '!=', 'preview')
      .execute();
    return ids.map((id) => rows.find((r) => r.message_id === id)).find(Boolean);
  }

  /** When the sender's first tracked message went out: a mailbox scanned from scratch looks no further back. */
  async firstSentAt(senderId: string): Promise<string | null> {
    const r = await this.db
      .selectFrom('messages')
      .select((eb) => eb.fn.min('created_at').as('first'))
      .where('sender_id', '=', senderId)
      .where('status', '!=', 'preview')
      .executeTakeFirst();
    return (r?.first as string | null | undefined) ?? null;
  }

  async recipients(messageId: string): Promise<(Recipient & { copyId: string })[]> {
    const rows = await this.db
      .selectFrom('message_recipients')
      .innerJoin('message_copies', 'message_copies.recipient_id', 'message_recipients.id')
      .select(['message_recipients.address', 'message_recipients.role', 'message_copies.id as copyId'])
      .where('message_recipients.message_id', '=', messageId)
      .orderBy('message_recipients.position')
      .execute();
    return rows;
  }

  /** People earlier replies in the thread put in their To or Cc -> the recipient whose reply it was. */
  async broughtIn(messageId: string): Promise<Map<string, string>> {
    const rows = await this.db
      .selectFrom('inbound_messages')
      .select(['recipient', 'participants'])
      .where('message_ref', '=', messageId)
      .where('kind', '=', 'reply')
      .where('recipient', 'is not', null)
      .orderBy('created_at')
      .execute();
    const out = new Map<string, string>();
    for (const r of rows)
      for (const a of JSON.parse(r.participants ?? '[]') as string[]) if (!out.has(a)) out.set(a, r.recipient!);
    return out;
  }

  async taken(senderId: string, inboundId: string): Promise<InboundMessageRow | undefined> {
    return this.db
      .selectFrom('inbound_messages')
      .selectAll()
      .where('sender_id', '=', senderId)
      .where('inbound_id', '=', inboundId)
      .executeTakeFirst();
  }

  /** False when another delivery of the same mail took it first (the unique index decides). */
  async take(row: InboundMessageRow): Promise<boolean> {
    const r = await this.db
      .insertInto('inbound_messages')
      .values(row)
      .onConflict((oc) => oc.columns(['sender_id', 'inbound_id']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async stored(id: string, eventId: string): Promise<void> {
    await this.db.updateTable('inbound_messages').set({ event_id: eventId }).where('id', '=', id).execute();
  }

  /** A bounce names a copy the upstream took but the recipient's server refused later. */
  async bounced(copyId: string, diagnostic: string | null): Promise<void> {
    await this.db
      .updateTable('message_copies')
      .set({ delivery: 'failed', last_response: (diagnostic ?? 'bounced').slice(0, 500) })
      .where('id', '=', copyId)
      .execute();
  }
}
