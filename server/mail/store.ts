// The message store: messages, their recipients and per-recipient copies (token, delivery state), the links each
// copy carries and what became of each attachment. Every read is scoped to the owning sender.
import type {
  Db,
  DocumentRow,
  LinkRow,
  MessageCopyRow,
  MessageRecipientRow,
  MessageRow,
} from '../../storage/db/index.ts';
import type { Sealer } from '../../storage/sealer.ts';
import { hashSecret, randomSecret } from '../accounts/secrets.ts';
import { newId } from '../ids.ts';
import type { Links } from '../documents/links.ts';
import { notFound } from '../errors.ts';
import type { Outcome } from './attachments.ts';
import type { RewrittenLink } from './tracking-html.ts';
import { signalCounts, timelineOf } from '../signals/summary.ts';

export type Role = 'to' | 'cc' | 'bcc';

export interface Copy {
  recipient: MessageRecipientRow;
  copy: MessageCopyRow;
}

export class MessageStore {
  private readonly db: Db;
  private readonly links: Links;
  private readonly sealer: Sealer;

  constructor(db: Db, links: Links, copyTokens: Sealer) {
    this.db = db;
    this.links = links;
    this.sealer = copyTokens;
  }

  /** The copy's token (for its pixel and click URLs), opened from its sealed copy. */
  tokenOf(copy: Pick<MessageCopyRow, 'id' | 'token_sealed'>): string {
    return this.sealer.open(copy.token_sealed, copy.id);
  }

  /** The links a copy's HTML carries now (the same on every rewrite of the copy, so replaced as a whole). */
  async saveLinks(copyId: string, links: RewrittenLink[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('message_links').where('copy_id', '=', copyId).execute();
      if (links.length)
        await trx
          .insertInto('message_links')
          .values(
            links.map((l) => ({
              copy_id: copyId,
              position: l.position,
              url: l.url,
              text: l.text,
              honeypot: l.honeypot ? 1 : 0,
            })),
          )
          .execute();
    });
  }

  async find(senderId: string, messageId: string): Promise<MessageRow | undefined> {
    return this.db
      .selectFrom('messages')
      .selectAll()
      .where('sender_id', '=', senderId)
      .where('message_id', '=', messageId)
      .executeTakeFirst();
  }

  async create(input: {
    senderId: string;
    messageId: string;
    subject: string | null;
    from: string;
    tracked: boolean;
  }): Promise<MessageRow> {
    const row: MessageRow = {
      id: newId('msg'),
      sender_id: input.senderId,
      message_id: input.messageId,
      subject: input.subject,
      from_address: input.from,
      tracked: input.tracked ? 1 : 0,
      status: 'preview',
      sent_at: null,
      created_at: new Date().toISOString(),
    };
    await this.db.insertInto('messages').values(row).execute();
    return row;
  }

  /** The message's copy for each recipient, made for those who have none yet (a retry may add recipients). */
  async copies(message: MessageRow, recipients: { address: string; role: Role }[]): Promise<Copy[]> {
    const existing = await this.db
      .selectFrom('message_recipients')
      .innerJoin('message_copies', 'message_copies.recipient_id', 'message_recipients.id')
      .selectAll('message_copies')
      .select(['message_recipients.address', 'message_recipients.role', 'message_recipients.position'])
      .where('message_recipients.message_id', '=', message.id)
      .execute();
    const byAddress = new Map(existing.map((r) => [r.address, r]));
    const out: Copy[] = [];
    let position = existing.length;
    for (const { address, role } of recipients) {
      const have = byAddress.get(address);
      if (have) {
        const { address: a, role: ro, position: p, ...copy } = have;
        out.push({
          recipient: { id: copy.recipient_id, message_id: message.id, address: a, role: ro, position: p },
          copy,
        });
        continue;
      }
      const recipient: MessageRecipientRow = {
        id: newId('rcp'),
        message_id: message.id,
        address,
        role,
        position: position++,
      };
      const token = randomSecret(24);
      const id = newId('cpy');
      const copy: MessageCopyRow = {
        id,
        message_id: message.id,
        recipient_id: recipient.id,
        token_sealed: this.sealer.seal(token, id),
        token_hash: hashSecret(token),
        machine_until: null,
        delivery: 'pending',
        attempts: 0,
        last_response: null,
        delivered_at: null,
        created_at: new Date().toISOString(),
      };
      await this.db.transaction().execute(async (trx) => {
        await trx.insertInto('message_recipients').values(recipient).execute();
        await trx.insertInto('message_copies').values(copy).execute();
      });
      out.push({ recipient, copy });
    }
    return out;
  }

  /** The copy's link to a document: the same one on every retry, made on first use. */
  async linkFor(c: Copy, doc: DocumentRow): Promise<LinkRow> {
    const prior = await this.db
      .selectFrom('message_copy_links')
      .innerJoin('links', 'links.id', 'message_copy_links.link_id')
      .selectAll('links')
      .where('message_copy_links.copy_id', '=', c.copy.id)
      .where('message_copy_links.document_id', '=', doc.id)
      .executeTakeFirst();
    if (prior) return prior;
    const link = await this.links.create(doc, { recipient: c.recipient.address });
    await this.db
      .insertInto('message_copy_links')
      .values({ copy_id: c.copy.id, document_id: doc.id, link_id: link.id })
      .execute();
    return link;
  }

  /** The message's attachments and what became of them; `linked`: documents linked by id (listed as documents). */
  async recordAttachments(messageId: string, outcomes: Outcome[], linked: DocumentRow[] = []): Promise<void> {
    const rows = [
      ...outcomes.map((o) => ({
        name: o.file.name,
        outcome: o.kind,
        document_id: o.kind === 'document' ? o.document.id : null,
        reason_code: o.kind === 'kept' ? o.code : null,
        reason: o.kind === 'kept' ? o.notice : null,
      })),
      ...linked.map((doc) => ({
        name: doc.name,
        outcome: 'document' as const,
        document_id: doc.id,
        reason_code: null,
        reason: null,
      })),
    ].map((r, position) => ({ id: newId('att'), message_id: messageId, position, ...r }));
    if (rows.length) await this.db.insertInto('message_attachments').values(rows).execute();
  }

  async delivered(copyId: string, outcome: { ok: boolean; permanent: boolean; response: string }): Promise<void> {
    const now = new Date().toISOString();
    await this.db
      .updateTable('message_copies')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        last_response: outcome.response.slice(0, 500),
        delivery: outcome.ok ? 'sent' : outcome.permanent ? 'failed' : 'pending',
        delivered_at: outcome.ok ? now : null,
      }))
      .where('id', '=', copyId)
      .execute();
  }

  async setStatus(id: string, status: MessageRow['status']): Promise<void> {
    const sentAt = status === 'sent' || status === 'partial' ? new Date().toISOString() : null;
    await this.db
      .updateTable('messages')
      .set({ status, ...(sentAt ? { sent_at: sentAt } : {}) })
      .where('id', '=', id)
      .execute();
  }

  async list(senderId: string, limit = 200): Promise<MessageRow[]> {
    return this.db
      .selectFrom('messages')
      .selectAll()
      .where('sender_id', '=', senderId)
      .where('status', '!=', 'preview')
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
  }

  /** A foreign id answers exactly like a missing one. */
  async get(senderId: string, id: string): Promise<MessageRow> {
    const row = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', id)
      .where('sender_id', '=', senderId)
      .executeTakeFirst();
    if (!row) throw notFound('Message');
    return row;
  }

  async recipientsOf(messageIds: string[]) {
    if (!messageIds.length) return [];
    return this.db
      .selectFrom('message_recipients')
      .innerJoin('message_copies', 'message_copies.recipient_id', 'message_recipients.id')
      .select([
        'message_recipients.message_id',
        'message_recipients.address',
        'message_recipients.role',
        'message_recipients.position',
        'message_copies.id as copy_id',
        'message_copies.delivery',
        'message_copies.delivered_at',
        'message_copies.last_response',
      ])
      .where('message_recipients.message_id', 'in', messageIds)
      .orderBy('message_recipients.position')
      .execute();
  }

  async attachmentsOf(messageIds: string[]) {
    if (!messageIds.length) return [];
    return this.db
      .selectFrom('message_attachments')
      .leftJoin('documents', 'documents.id', 'message_attachments.document_id')
      .select([
        'message_attachments.message_id',
        'message_attachments.name',
        'message_attachments.outcome',
        'message_attachments.document_id',
        'message_attachments.reason_code',
        'message_attachments.reason',
        'documents.status',
        'documents.page_count',
        'documents.thumbnail_key',
      ])
      .where('message_attachments.message_id', 'in', messageIds)
      .orderBy('message_attachments.position')
      .execute();
  }

  /** Email signals per message and recipient, grouped (opens, clicks, replies; machines and self apart). */
  signalCounts(messageIds: string[]) {
    return signalCounts(this.db, messageIds);
  }

  /** A message's events: email signals and its copies' document opens, oldest first. */
  timeline(messageId: string, linkIds: string[]) {
    return timelineOf(this.db, messageId, linkIds);
  }

  /** Per copy and document: its link and what the recipient has read so far (visits, time, last seen). */
  async readingOf(copyIds: string[]) {
    if (!copyIds.length) return [];
    return this.db
      .selectFrom('message_copy_links')
      .innerJoin('links', 'links.id', 'message_copy_links.link_id')
      .leftJoin('visits', (j) =>
        j.onRef('visits.link_id', '=', 'links.id').on('visits.self', '=', 0).on('visits.automated', '=', 0),
      )
      .leftJoin('visit_totals', 'visit_totals.visit_id', 'visits.id')
      .select((eb) => [
        'message_copy_links.copy_id',
        'message_copy_links.document_id',
        'links.id as link_id',
        'links.token_sealed',
        eb.fn.count<number>('visits.id').as('visits'),
        eb.fn.max('visits.last_seen_at').as('last_seen_at'),
        eb.fn.coalesce(eb.fn.sum<number>('visit_totals.accounted_ms'), eb.lit(0)).as('total_ms'),
      ])
      .where('message_copy_links.copy_id', 'in', copyIds)
      .groupBy(['message_copy_links.copy_id', 'message_copy_links.document_id', 'links.id', 'links.token_sealed'])
      .execute();
  }
}
