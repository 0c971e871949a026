// What each recipient of a message did, at a glance: opens (first and last), clicks, replies, whether they read
// the documents, and the machine signals and the sender's own opens counted apart (stored, never counted).
import type { Db } from '../../storage/db/index.ts';
import type { MessageSignals, RecipientSignals, SignalStatus } from '../api-types.ts';
import type { ActivityEvent } from '../domain-types.ts';
import { toActivity } from '../tracking/event-store.ts';

const COUNTED = ['email_open', 'click', 'reply'] as const;

export interface SignalCountRow {
  message_id: string | null;
  recipient: string | null;
  type: string;
  automated: number;
  self: number;
  automated_reason: string | null;
  n: number | string;
  first_at: string | null;
  last_at: string | null;
}

/** Per message, recipient, type and verdict: how many events, first and last. */
export async function signalCounts(db: Db, messageIds: string[]): Promise<SignalCountRow[]> {
  if (!messageIds.length) return [];
  return db
    .selectFrom('events')
    .select((eb) => [
      'message_id',
      'recipient',
      'type',
      'automated',
      'self',
      'automated_reason',
      eb.fn.countAll<number>().as('n'),
      eb.fn.min('at').as('first_at'),
      eb.fn.max('at').as('last_at'),
    ])
    .where('message_id', 'in', messageIds)
    .where('type', 'in', [...COUNTED])
    .groupBy(['message_id', 'recipient', 'type', 'automated', 'self', 'automated_reason'])
    .execute() as Promise<SignalCountRow[]>;
}

/** A message's email events and the viewer opens and downloads of its copies' links, oldest first (the newest
 * `limit`). */
export async function timelineOf(db: Db, messageId: string, linkIds: string[], limit = 1000): Promise<ActivityEvent[]> {
  const rows = await db
    .selectFrom('events')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('message_id', '=', messageId), eb('recipient', 'is not', null)]),
        ...(linkIds.length ? [eb.and([eb('link_id', 'in', linkIds), eb('type', 'in', ['open', 'download'])])] : []),
      ]),
    )
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse().map(toActivity);
}

/** One recipient's figures from the grouped counts and whether they read a document (human visits). */
export function recipientSignals(rows: SignalCountRow[], readVisits: number): RecipientSignals {
  const s: RecipientSignals = {
    status: 'not_opened',
    opens: 0,
    firstOpenAt: null,
    lastOpenAt: null,
    clicks: 0,
    replies: 0,
    documentVisits: readVisits,
    machine: { count: 0, reasons: {} },
    self: 0,
  };
  for (const r of rows) {
    const n = Number(r.n);
    if (r.self) s.self += n;
    else if (r.automated) {
      s.machine.count += n;
      const reason = r.automated_reason ?? 'automated';
      s.machine.reasons[reason] = (s.machine.reasons[reason] ?? 0) + n;
    } else if (r.type === 'email_open') {
      s.opens += n;
      if (r.first_at && (!s.firstOpenAt || r.first_at < s.firstOpenAt)) s.firstOpenAt = r.first_at;
      if (r.last_at && (!s.lastOpenAt || r.last_at > s.lastOpenAt)) s.lastOpenAt = r.last_at;
    } else if (r.type === 'click') s.clicks += n;
    else if (r.type === 'reply') s.replies += n;
  }
  s.status = statusOf(s);
  return s;
}

/** Streak's ladder: replied > clicked > read the documents > opened > not opened. */
export function statusOf(s: Pick<RecipientSignals, 'opens' | 'clicks' | 'replies' | 'documentVisits'>): SignalStatus {
  if (s.replies) return 'replied';
  if (s.clicks) return 'clicked';
  if (s.documentVisits) return 'read';
  if (s.opens) return 'opened';
  return 'not_opened';
}

const LADDER: SignalStatus[] = ['not_opened', 'opened', 'read', 'clicked', 'replied'];

/** A message's figures: the furthest any recipient went, the sums, and each recipient's. */
export function messageSignals(recipients: (RecipientSignals & { address: string })[]): MessageSignals {
  const out: MessageSignals = { ...recipientSignals([], 0), openedBy: 0, recipients };
  for (const r of recipients) {
    if (LADDER.indexOf(r.status) > LADDER.indexOf(out.status)) out.status = r.status;
    out.opens += r.opens;
    out.clicks += r.clicks;
    out.replies += r.replies;
    out.documentVisits += r.documentVisits;
    out.self += r.self;
    out.machine.count += r.machine.count;
    for (const [k, v] of Object.entries(r.machine.reasons)) out.machine.reasons[k] = (out.machine.reasons[k] ?? 0) + v;
    if (r.status !== 'not_opened') out.openedBy++;
    if (r.firstOpenAt && (!out.firstOpenAt || r.firstOpenAt < out.firstOpenAt)) out.firstOpenAt = r.firstOpenAt;
    if (r.lastOpenAt && (!out.lastOpenAt || r.lastOpenAt > out.lastOpenAt)) out.lastOpenAt = r.lastOpenAt;
  }
  return out;
}
