// The public JSON of sent messages: recipients with their role and delivery, documents, and per recipient the
// links and what they have read so far; each recipient's email signals (and, for one message, their timeline).
import type { MessageJson } from '../api-types.ts';
import type { Links } from '../documents/links.ts';
import type { MessageStore } from './store.ts';
import { messageSignals, recipientSignals } from '../signals/summary.ts';

export async function messageJson(
  store: MessageStore,
  links: Links,
  senderId: string,
  ids: string[] | null,
): Promise<MessageJson[]> {
  const rows = ids ? await Promise.all(ids.map((id) => store.get(senderId, id))) : await store.list(senderId);
  const messageIds = rows.map((m) => m.id);
  const [recipients, attachments] = await Promise.all([
    store.recipientsOf(messageIds),
    store.attachmentsOf(messageIds),
  ]);
  const [reading, counts] = await Promise.all([
    store.readingOf(recipients.map((r) => r.copy_id)),
    store.signalCounts(messageIds),
  ]);
  // One message asked for by id: its per-recipient timelines too.
  const timeline =
    ids?.length === 1
      ? await store.timeline(
          ids[0]!,
          reading.map((x) => x.link_id),
        )
      : [];
  const signalsOf = (messageId: string, r: { address: string; copy_id: string }) =>
    recipientSignals(
      counts.filter((c) => c.message_id === messageId && c.recipient === r.address),
      reading.filter((x) => x.copy_id === r.copy_id).reduce((a, x) => a + Number(x.visits), 0),
    );
  return rows.map((m) => {
    const mine = recipients.filter((r) => r.message_id === m.id);
    const atts = attachments.filter((a) => a.message_id === m.id);
    const perRecipient = new Map(mine.map((r) => [r.copy_id, signalsOf(m.id, r)]));
    return {
      id: m.id,
      messageId: m.message_id,
      subject: m.subject,
      from: m.from_address,
      status: m.status,
      sentAt: m.sent_at,
      createdAt: m.created_at,
      tracked: Boolean(m.tracked),
      recipients: mine.map((r) => ({ address: r.address, role: r.role, delivery: r.delivery })),
      signals: messageSignals(mine.map((r) => ({ address: r.address, ...perRecipient.get(r.copy_id)! }))),
      documents: atts
        .filter((a) => a.outcome === 'document' && a.document_id)
        .map((a) => ({
          id: a.document_id!,
          name: a.name,
          status: a.status,
          pageCount: a.page_count === null ? null : Number(a.page_count),
        })),
      attachments: atts.map((a) => ({ name: a.name, outcome: a.outcome, documentId: a.document_id, reason: a.reason })),
      copies: mine.map((r) => ({
        recipient: r.address,
        role: r.role,
        delivery: r.delivery,
        deliveredAt: r.delivered_at,
        response: r.last_response,
        links: reading
          .filter((x) => x.copy_id === r.copy_id)
          .map((x) => ({
            documentId: x.document_id,
            linkId: x.link_id,
            url: links.urlOf({ id: x.link_id, token_sealed: x.token_sealed }),
            visits: Number(x.visits),
            totalMs: Number(x.total_ms),
            lastSeenAt: (x.last_seen_at as string | null) ?? null,
          })),
        signals: perRecipient.get(r.copy_id)!,
        events: timeline.filter((e) => e.recipient === r.address),
      })),
    };
  });
}
