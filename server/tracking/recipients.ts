// What one recipient did across a sender's documents and messages, as a story (newest first), and the list of a
// sender's recipients with their summaries. Only the sender's own data; the sender's own and automated activity
// left out unless included.
import { sql } from 'kysely';
import type { Db } from '../../storage/db/index.ts';
import type {
  IncludedViews,
  RecipientListJson,
  RecipientSummary,
  RecipientTimeline,
  TimelineItem,
} from '../api-types.ts';
import { toActivity } from './event-store.ts';
import {
  clickSentence,
  downloadSentence,
  emailOpenSentence,
  forwardSentence,
  replySentence,
  visitSentence,
} from './story.ts';
import { visitsOfSender } from './visit-scope.ts';

const STORY_TYPES = ['email_open', 'click', 'reply', 'forward', 'download'] as const;

/** Most items a timeline holds (the newest). */
const MAX_ITEMS = 1000;

export async function recipientTimeline(
  db: Db,
  senderId: string,
  address: string,
  included: IncludedViews,
): Promise<RecipientTimeline> {
  const recipient = address.toLowerCase();
  const [visits, events] = await Promise.all([
    visitsOfSender(db, senderId, included)
      .innerJoin('documents', 'documents.id', 'visits.document_id')
      .select([
        'visits.id',
        'visits.document_id',
        'visits.started_at',
        'visits.device',
        'visits.location',
        'documents.name',
        'documents.page_count',
        'visit_totals.accounted_ms',
        'visit_totals.pages_seen',
        'visit_totals.last_page',
      ])
      .where(sql`lower(links.recipient)`, '=', recipient)
      .orderBy('visits.started_at', 'desc')
      .limit(MAX_ITEMS)
      .execute(),
    db
      .selectFrom('events')
      .leftJoin('documents', 'documents.id', 'events.document_id')
      .leftJoin('messages', 'messages.id', 'events.message_id')
      .selectAll('events')
      .select(['documents.name as document_name', 'messages.subject as message_subject'])
      .where('events.sender_id', '=', senderId)
      .where(sql`lower(events.recipient)`, '=', recipient)
      .where('events.type', 'in', [...STORY_TYPES])
      .$if(!included.self, (q) => q.where('events.self', '=', 0))
      .$if(!included.automated, (q) => q.where('events.automated', '=', 0))
      .orderBy('events.seq', 'desc')
      .limit(MAX_ITEMS)
      .execute(),
  ]);
  const items: TimelineItem[] = visits.map((v) => {
    const device = v.device ? JSON.parse(v.device) : null;
    const place = v.location ? JSON.parse(v.location) : null;
    const lastPage = v.last_page == null ? null : Number(v.last_page);
    const totalMs = Number(v.accounted_ms ?? 0);
    return {
      at: v.started_at,
      kind: 'visit',
      text: visitSentence({
        documentName: v.name,
        pageCount: Number(v.page_count ?? 0),
        pagesSeen: Number(v.pages_seen ?? 0),
        totalMs,
        lastPage,
        device,
        place,
      }),
      documentId: v.document_id,
      documentName: v.name,
      ...(lastPage === null ? {} : { page: lastPage }),
      durationMs: totalMs,
      device,
      place,
    };
  });
  const summary: RecipientSummary = {
    visits: visits.length,
    totalMs: items.reduce((a, i) => a + (i.durationMs ?? 0), 0),
    documents: new Set(visits.map((v) => v.document_id)).size,
    emailOpens: 0,
    clicks: 0,
    replies: 0,
    forwards: 0,
  };
  for (const row of events) {
    const e = toActivity(row);
    const documentName = row.document_name ?? 'the document';
    const subject = e.subject ?? e.reply?.subject ?? row.message_subject ?? null;
    const base = {
      at: e.at,
      ...(e.documentId ? { documentId: e.documentId, documentName } : {}),
      ...(e.messageId ? { messageId: e.messageId, subject } : {}),
      device: e.device ?? null,
      place: e.location ?? null,
    };
    if (e.type === 'email_open') {
      summary.emailOpens++;
      items.push({
        ...base,
        kind: 'email_open',
        text: emailOpenSentence({ subject, device: e.device, place: e.location }),
      });
    } else if (e.type === 'click') {
      summary.clicks++;
      items.push({ ...base, kind: 'click', text: clickSentence({ subject, linkText: e.linkText, url: e.url }) });
    } else if (e.type === 'reply') {
      summary.replies++;
      items.push({ ...base, kind: 'reply', text: replySentence({ subject }) });
    } else if (e.type === 'forward') {
      summary.forwards++;
      items.push({ ...base, kind: 'forward', text: forwardSentence({ documentName, place: e.location }) });
    } else if (e.type === 'download') {
      items.push({ ...base, kind: 'download', text: downloadSentence({ documentName }) });
    }
  }
  items.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return { recipient, summary, items: items.slice(0, MAX_ITEMS), included };
}

/** The sender's recipients (of links and of messages) with their summaries, most recently active first. */
export async function senderRecipients(db: Db, senderId: string, included: IncludedViews): Promise<RecipientListJson> {
  const [visits, signals, linked, mailed] = await Promise.all([
    visitsOfSender(db, senderId, included)
      .select((eb) => [
        sql<string>`lower(links.recipient)`.as('recipient'),
        eb.fn.countAll<number>().as('visits'),
        eb.fn.sum<number>('visit_totals.accounted_ms').as('ms'),
        sql<number>`count(distinct visits.document_id)`.as('documents'),
        eb.fn.max('visits.last_seen_at').as('last_at'),
      ])
      .where('links.recipient', 'is not', null)
      .groupBy(sql`lower(links.recipient)`)
      .execute(),
    db
      .selectFrom('events')
      .select((eb) => [
        sql<string>`lower(recipient)`.as('recipient'),
        'type',
        eb.fn.countAll<number>().as('n'),
        eb.fn.max('at').as('last_at'),
      ])
      .where('sender_id', '=', senderId)
      .where('recipient', 'is not', null)
      .where('type', 'in', ['email_open', 'click', 'reply', 'forward'])
      .$if(!included.self, (q) => q.where('self', '=', 0))
      .$if(!included.automated, (q) => q.where('automated', '=', 0))
      .groupBy([sql`lower(recipient)`, 'type'])
      .execute(),
    db
      .selectFrom('links')
      .select(sql<string>`lower(recipient)`.as('recipient'))
      .distinct()
      .where('sender_id', '=', senderId)
      .where('recipient', 'is not', null)
      .execute(),
    db
      .selectFrom('message_recipients')
      .innerJoin('messages', 'messages.id', 'message_recipients.message_id')
      .select(sql<string>`lower(message_recipients.address)`.as('recipient'))
      .distinct()
      .where('messages.sender_id', '=', senderId)
      .execute(),
  ]);
  const rows = new Map<string, RecipientListJson['recipients'][number]>();
  const row = (recipient: string) => {
    let r = rows.get(recipient);
    if (!r) {
      r = {
        recipient,
        visits: 0,
        totalMs: 0,
        documents: 0,
        emailOpens: 0,
        clicks: 0,
        replies: 0,
        forwards: 0,
        lastAt: null,
      };
      rows.set(recipient, r);
    }
    return r;
  };
  const later = (a: string | null, b: unknown) => (typeof b === 'string' && (a === null || b > a) ? b : a);
  for (const r of [...linked, ...mailed]) row(r.recipient);
  for (const v of visits) {
    const r = row(v.recipient);
    r.visits = Number(v.visits);
    r.totalMs = Number(v.ms ?? 0);
    r.documents = Number(v.documents);
    r.lastAt = later(r.lastAt, v.last_at);
  }
  const field = { email_open: 'emailOpens', click: 'clicks', reply: 'replies', forward: 'forwards' } as const;
  for (const s of signals) {
    const r = row(s.recipient);
    r[field[s.type as keyof typeof field]] = Number(s.n);
    r.lastAt = later(r.lastAt, s.last_at);
  }
  const list = [...rows.values()].sort((a, b) =>
    a.lastAt === b.lastAt ? (a.recipient < b.recipient ? -1 : 1) : (a.lastAt ?? '') < (b.lastAt ?? '') ? 1 : -1,
  );
  return { recipients: list };
}
