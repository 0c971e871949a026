// What the exports hold: every visit of a document, per-page times (the analytics' own numbers), and a message's
// recipients with their signals (email opens, clicks, replies, link visits and reading time).
import type { Db } from '../../storage/db/index.ts';
import type { VisitSummary } from '../api-types.ts';
import { notFound } from '../errors.ts';
import { documentVisits } from './visit-list.ts';

/** All of a document's visits, newest first (the /visits pages joined). */
export async function allVisits(db: Db, documentId: string): Promise<VisitSummary[]> {
  const out: VisitSummary[] = [];
  let before: string | undefined;
  for (;;) {
    const page = await documentVisits(db, documentId, { limit: 500, before });
    out.push(...page.visits);
    if (!page.next) return out;
    before = page.next;
  }
}

export interface RecipientSignals {
  address: string;
  role: string;
  delivery: string;
  deliveredAt: string | null;
  emailOpens: number;
  clicks: number;
  replies: number;
  visits: number;
  readingMs: number;
  lastSeenAt: string | null;
}

/** A message's recipients with what each did; human signals only (the sender's own and automated ones left out). */
export async function messageRecipients(db: Db, senderId: string, messageId: string): Promise<RecipientSignals[]> {
  const message = await db
    .selectFrom('messages')
    .select('id')
    .where('id', '=', messageId)
    .where('sender_id', '=', senderId)
    .executeTakeFirst();
  if (!message) throw notFound('Message');
  const [recipients, signals, reading] = await Promise.all([
    db
      .selectFrom('message_recipients')
      .leftJoin('message_copies', 'message_copies.recipient_id', 'message_recipients.id')
      .select([
        'message_recipients.address',
        'message_recipients.role',
        'message_copies.delivery',
        'message_copies.delivered_at',
        'message_copies.id as copy_id',
      ])
      .where('message_recipients.message_id', '=', messageId)
      .orderBy('message_recipients.position')
      .execute(),
    db
      .selectFrom('events')
      .select(['recipient', 'type', (eb) => eb.fn.countAll<number>().as('n')])
      .where('sender_id', '=', senderId)
      .where('message_id', '=', messageId)
      .where('self', '=', 0)
      .where('automated', '=', 0)
      .groupBy(['recipient', 'type'])
      .execute(),
    db
      .selectFrom('message_copy_links')
      .innerJoin('message_copies', 'message_copies.id', 'message_copy_links.copy_id')
      .innerJoin('visits', 'visits.link_id', 'message_copy_links.link_id')
      .leftJoin('visit_totals', 'visit_totals.visit_id', 'visits.id')
      .select((eb) => [
        'message_copies.id as copy_id',
        eb.fn.count<number>('visits.id').as('visits'),
        eb.fn.coalesce(eb.fn.sum<number>('visit_totals.accounted_ms'), eb.lit(0)).as('ms'),
        eb.fn.max('visits.last_seen_at').as('last_seen_at'),
      ])
      .where('message_copies.message_id', '=', messageId)
      .where('visits.self', '=', 0)
      .where('visits.automated', '=', 0)
      .groupBy('message_copies.id')
      .execute(),
  ]);
  const count = (address: string, type: string) =>
    Number(signals.find((s) => s.recipient?.toLowerCase() === address.toLowerCase() && s.type === type)?.n ?? 0);
  return recipients.map((r) => {
    const read = reading.find((x) => x.copy_id === r.copy_id);
    return {
      address: r.address,
      role: r.role,
      delivery: r.delivery ?? 'pending',
      deliveredAt: r.delivered_at ?? null,
      emailOpens: count(r.address, 'email_open'),
      clicks: count(r.address, 'click'),
      replies: count(r.address, 'reply'),
      visits: Number(read?.visits ?? 0),
      readingMs: Number(read?.ms ?? 0),
      lastSeenAt: (read?.last_seen_at as string | null | undefined) ?? null,
    };
  });
}
