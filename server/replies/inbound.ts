// One way in for received mail (POST /api/inbound and the IMAP poller alike): parse, find the sender's tracked
// message it answers, decide what it is and who it counts for, store it once (by its Message-ID), then publish.
import { createHash } from 'node:crypto';
import type { ActivityEvent, ReplyInfo } from '../domain-types.ts';
import type { DomainEvents } from '../events.ts';
import { newId } from '../ids.ts';
import type { Logger } from '../logger.ts';
import type { EventStore } from '../tracking/event-store.ts';
import { attribute, type Attributed } from './attribution.ts';
import { authVerdict } from './auth-results.ts';
import { classify, type InboundKind } from './classify.ts';
import { parseInbound, type InboundMail } from './parse.ts';
import type { Threads } from './threads.ts';

export interface InboundResult {
  /** recorded (stored now), duplicate (taken before), ignored (no tracked message of this sender is named) */
  status: 'recorded' | 'duplicate' | 'ignored';
  kind?: InboundKind['kind'];
  messageId?: string;
  events: ActivityEvent[];
}

export interface InboundDeps {
  threads: Threads;
  events: EventStore;
  bus: DomainEvents;
  logger: Logger;
  /** Only Authentication-Results from this server are read (else the topmost). */
  authservId?: string;
}

const REASON: Record<string, string> = { auto_reply: 'auto_reply', read_receipt: 'read_receipt' };

export class InboundService {
  private readonly d: InboundDeps;

  constructor(d: InboundDeps) {
    this.d = d;
  }

  /** The Message-IDs a mail may answer: a report's original first, then In-Reply-To and References. */
  private candidates(mail: InboundMail): string[] {
    return [...new Set([...(mail.originalMessageId ? [mail.originalMessageId] : []), ...mail.threadIds])];
  }

  /** Whether a mail, from its headers alone, may be for us: it names a tracked message, or is a report (whose
   * original is named inside). The poller fetches the whole mail only then. */
  async screen(senderId: string, headers: Buffer): Promise<boolean> {
    const mail = await parseInbound(headers).catch(() => null);
    if (!mail) return false;
    if (mail.contentType === 'multipart/report') return true;
    return Boolean(await this.d.threads.messageFor(senderId, this.candidates(mail)));
  }

  async receive(sender: { id: string; email: string }, raw: Buffer, source: 'api' | 'imap'): Promise<InboundResult> {
    const { threads } = this.d;
    const mail = await parseInbound(raw);
    const message = await threads.messageFor(sender.id, this.candidates(mail));
    // Not about a tracked message of this sender, or the sender's own mail in the thread: nothing to say.
    if (!message || mail.from === sender.email.toLowerCase()) return { status: 'ignored', events: [] };
    const inboundId = mail.messageId ?? `sha256:${createHash('sha256').update(raw).digest('hex')}`;
    const prior = await threads.taken(sender.id, inboundId);
    if (prior && (prior.event_id || prior.kind === 'report'))
      return { status: 'duplicate', kind: prior.kind as InboundKind['kind'], messageId: message.id, events: [] };

    const kind = classify(mail);
    const recipients = await threads.recipients(message.id);
    const targets: (Attributed & { copyId?: string; status?: string | null; diagnostic?: string | null })[] = [];
    if (kind.kind === 'bounce') {
      const failed = (mail.report?.recipients ?? []).filter((r) => r.action === 'failed' || r.status?.startsWith('5.'));
      for (const f of failed) {
        const named = f.finalRecipient ?? mail.headers.get('x-failed-recipients')?.toLowerCase() ?? null;
        const r = recipients.find((x) => x.address === named) ?? (recipients.length === 1 ? recipients[0] : undefined);
        targets.push({
          recipient: r?.address ?? named,
          attribution: r ? 'recipient' : 'unknown',
          copyId: r?.copyId,
          status: f.status,
          diagnostic: f.diagnostic,
        });
      }
    } else if (kind.kind !== 'report') {
      targets.push(attribute(mail.from, recipients, await threads.broughtIn(message.id)));
    }

    const row = {
      id: newId('inb'),
      sender_id: sender.id,
      inbound_id: inboundId,
      kind: kind.kind,
      message_ref: message.id,
      event_id: null,
      from_address: mail.from,
      recipient: targets[0]?.recipient ?? null,
      participants: JSON.stringify(
        [...mail.to, ...mail.cc].filter((a) => a !== mail.from && a !== sender.email.toLowerCase()).slice(0, 50),
      ),
      source,
      created_at: new Date().toISOString(),
    };
    const id = prior?.id ?? row.id;
    if (!prior && !(await threads.take(row)))
      return { status: 'duplicate', kind: kind.kind, messageId: message.id, events: [] };

    const auth = authVerdict(mail.authResults, this.d.authservId);
    const flagged = kind.kind === 'reply' && auth.failed;
    const events: ActivityEvent[] = [];
    for (const t of targets) {
      const detail: ReplyInfo & { automatedReason?: string } = {
        from: mail.from,
        attribution: t.attribution,
        subject: mail.subject,
      };
      if (auth.summary) detail.auth = auth.summary;
      if (flagged) {
        detail.authFailed = true;
        detail.automatedReason = 'auth_failed';
      }
      if (kind.kind === 'auto_reply') detail.automatedReason = REASON[kind.reason];
      if (kind.kind === 'bounce') {
        detail.automatedReason = 'delivery_report';
        detail.status = t.status ?? null;
        detail.diagnostic = t.diagnostic ?? null;
      }
      const stored = await this.d.events.append({
        sender_id: sender.id,
        type: kind.kind,
        at: new Date().toISOString(),
        message_id: message.id,
        recipient: t.recipient,
        // Machines' answers and replies that fail authentication are kept, apart from what people did.
        automated: kind.kind === 'reply' && !flagged ? 0 : 1,
        automated_reason: detail.automatedReason ?? null,
        self: 0,
        detail: JSON.stringify(detail),
      });
      if (stored.duplicate) continue;
      events.push(stored.event);
      if (t.copyId) await threads.bounced(t.copyId, t.diagnostic ?? null);
    }
    if (events[0]) await threads.stored(id, events[0].id);
    for (const event of events)
      this.d.bus.emit('reply:received', {
        senderId: sender.id,
        messageId: message.id,
        from: mail.from ?? '',
        kind: kind.kind as 'reply' | 'auto_reply' | 'bounce',
        event,
      });
    this.d.logger.info(
      { messageId: message.id, kind: kind.kind, source, events: events.length, flagged },
      'inbound message recorded',
    );
    return { status: 'recorded', kind: kind.kind, messageId: message.id, events };
  }
}
