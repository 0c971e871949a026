// Every entry point (relay, API, compose page) submits here: analyse the message, turn attachments into documents
// and per-recipient links, store the message and its copies, write one copy per recipient, and (when sending) hand
// the copies not yet accepted upstream to the upstream. A retry with the same Message-ID sends only what is missing.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Db, DocumentRow, MessageRow } from '../../storage/db/index.ts';
import type { Accounts, Sender } from '../accounts/senders.ts';
import { randomSecret } from '../accounts/secrets.ts';
import type { Ingest } from '../conversion/ingest.ts';
import type { ZipLimits } from '../conversion/zip-inspect.ts';
import type { Links } from '../documents/links.ts';
import { notFound } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { DomainEvents } from '../events.ts';
import type { EventStore } from '../tracking/event-store.ts';
import { RateLimiter } from '../rate-limit.ts';
import { isAddress, normAddress } from './addresses.ts';
import { analyze, type Analysis } from './analyze.ts';
import { classify, type Outcome } from './attachments.ts';
import type { LinkedDocument } from './blocks.ts';
import { writeCopy } from './copy.ts';
import type { TrackingPlan } from './tracking-html.ts';
import {
  mailRateLimited,
  noRecipients,
  recipientInvalid,
  tooManyRecipients,
  upstreamNotConfigured,
  upstreamRefused,
  upstreamUnavailable,
} from './errors.ts';
import type { Copy, MessageStore, Role } from './store.ts';
import type { DeliveryOutcome, Upstream } from './upstream.ts';

export interface MailServiceDeps {
  db: Db;
  accounts: Accounts;
  store: MessageStore;
  links: Links;
  ingest: Ingest;
  events: EventStore;
  bus: DomainEvents;
  upstream: Upstream | null;
  logger: Logger;
  tmpDir: string;
  publicUrl: () => string;
  zipLimits: ZipLimits;
  maxAttachmentBytes: number;
  maxRecipients: number;
  messagesPerHour: number;
  recipientsPerHour: number;
}

export interface SubmitInput {
  sender: Sender;
  rawPath: string;
  /** The SMTP envelope; without one (API) the recipients are the To, Cc and Bcc headers. */
  envelope?: { from: string; to: string[] };
  send: boolean;
  /** Ids of the sender's own documents to link in every copy, as if attached (another sender's id: 404). */
  linkDocuments?: string[];
}

export interface CopyResult {
  recipient: string;
  role: Role;
  delivery: 'pending' | 'sent' | 'failed';
  response?: string;
  /** The rewritten copy (only when not sending). */
  raw?: string;
}

export interface SubmitResult {
  message: MessageRow;
  copies: CopyResult[];
}

export class MailService {
  private readonly d: MailServiceDeps;
  private readonly limits = new Map<string, { messages: RateLimiter; recipients: RateLimiter }>();

  constructor(d: MailServiceDeps) {
    this.d = d;
  }

  async submit(input: SubmitInput): Promise<SubmitResult> {
    const { d } = this;
    if (input.send && !d.upstream) throw upstreamNotConfigured();
    const linked = await this.ownDocuments(input.sender.id, input.linkDocuments ?? []);
    const work = await fs.mkdtemp(path.join(d.tmpDir, 'mail-'));
    try {
      const a = await analyze(input.rawPath, work, d.maxAttachmentBytes);
      const recipients = this.recipients(a, input.envelope);
      const messageId = a.messageId ?? `<${randomSecret(18)}@${new URL(d.publicUrl()).hostname || 'pagetrail'}>`;
      const prior = await d.store.find(input.sender.id, messageId);
      // The message's header, else what the message was first stored with, else the sender's setting.
      const settings = await d.accounts.mailSettings(input.sender.id);
      const tracked = !a.untracked && (prior ? Boolean(prior.tracked) : settings.attachments);
      const message =
        prior ??
        (await d.store.create({
          senderId: input.sender.id,
          messageId,
          subject: a.subject,
          from: input.envelope?.from ?? input.sender.email,
          tracked,
        }));
      const copies = await d.store.copies(message, recipients);
      const todo = input.send ? copies.filter((c) => c.copy.delivery !== 'sent') : copies;
      if (input.send)
        this.rateLimit(
          input.sender.id,
          !prior || prior.status === 'preview',
          todo.filter((c) => c.copy.attempts === 0).length,
        );

      const outcomes: Outcome[] = [];
      for (const file of a.attachments) {
        outcomes.push(
          tracked
            ? await classify({ ...d, maxBytes: d.maxAttachmentBytes }, input.sender.id, file)
            : { file, kind: 'kept', code: 'untracked', notice: null },
        );
      }
      if (!prior) {
        await d.store.recordAttachments(message.id, outcomes, linked);
        await this.notify(input.sender.id, message.id, outcomes);
      }
      const drop = new Set(outcomes.flatMap((o) => (o.kind === 'document' ? [o.file.node] : [])));
      const documents = [
        ...outcomes.flatMap((o) => (o.kind === 'document' ? [{ name: o.file.name, document: o.document }] : [])),
        ...linked.map((document) => ({ name: document.name, document })),
      ];
      const results: CopyResult[] = [];
      const sends: Promise<void>[] = [];
      for (const c of todo) {
        const docs = await this.documentsFor(c, documents);
        const out = path.join(work, `copy-${c.copy.id}.eml`);
        const links = await writeCopy(
          input.rawPath,
          {
            drop,
            htmlNode: a.htmlNode,
            textNode: a.textNode,
            docs,
            addMessageId: a.messageId ? null : messageId,
            ...(tracked ? { tracking: this.trackingPlan(c, settings) } : {}),
          },
          out,
        );
        if (tracked) await d.store.saveLinks(c.copy.id, links);
        const result: CopyResult = {
          recipient: c.recipient.address,
          role: c.recipient.role,
          delivery: c.copy.delivery,
        };
        results.push(result);
        if (!input.send) result.raw = await fs.readFile(out, 'utf8');
        else sends.push(this.deliver(c, input.envelope?.from ?? input.sender.email, out, result));
      }
      if (!input.send) return { message, copies: results };
      await Promise.all(sends);
      return await this.settle(message, copies, results);
    } finally {
      await fs.rm(work, { recursive: true, force: true });
    }
  }

  /** Envelope recipients with their role from the headers (one in neither To nor Cc is a Bcc). */
  private recipients(a: Analysis, envelope?: { to: string[] }): { address: string; role: Role }[] {
    const list = envelope ? envelope.to.map(normAddress) : [...a.to, ...a.cc, ...a.bcc];
    const unique = [...new Set(list)];
    if (!unique.length) throw noRecipients();
    if (unique.length > this.d.maxRecipients) throw tooManyRecipients(this.d.maxRecipients);
    for (const r of unique) if (!isAddress(r)) throw recipientInvalid(r);
    return unique.map((address) => ({
      address,
      role: a.to.includes(address) ? 'to' : a.cc.includes(address) ? 'cc' : 'bcc',
    }));
  }

  private rateLimit(senderId: string, newMessage: boolean, newRecipients: number): void {
    let l = this.limits.get(senderId);
    if (!l)
      this.limits.set(
        senderId,
        (l = {
          messages: new RateLimiter(this.d.messagesPerHour, 3600_000),
          recipients: new RateLimiter(this.d.recipientsPerHour, 3600_000),
        }),
      );
    if (newMessage && !l.messages.take()) throw mailRateLimited('messages');
    for (let i = 0; i < newRecipients; i++) if (!l.recipients.take()) throw mailRateLimited('recipients');
  }

  /** The sender's documents by id, in the order given; any id not the sender's answers 404 before anything is stored. */
  private async ownDocuments(senderId: string, ids: string[]): Promise<DocumentRow[]> {
    if (!ids.length) return [];
    const rows = await this.d.db
      .selectFrom('documents')
      .selectAll()
      .where('sender_id', '=', senderId)
      .where('id', 'in', ids)
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => {
      const row = byId.get(id);
      if (!row) throw notFound('Document');
      return row;
    });
  }

  /** A per-recipient link to each document (attached files turned into documents, and documents linked by id). */
  private async documentsFor(c: Copy, documents: { name: string; document: DocumentRow }[]): Promise<LinkedDocument[]> {
    const docs: LinkedDocument[] = [];
    for (const { name, document } of documents) {
      const link = await this.d.store.linkFor(c, document);
      const url = this.d.links.urlOf(link);
      docs.push({
        name,
        url,
        thumbnailUrl: `${url}/thumbnail`,
        pageCount: document.page_count === null ? null : Number(document.page_count),
      });
    }
    return docs;
  }

  /** The copy's open pixel and click redirects, under PUBLIC_URL, by the copy's token (server/signals). */
  private trackingPlan(c: Copy, s: { pixel: boolean; clicks: boolean }): TrackingPlan {
    const base = this.d.publicUrl();
    const token = this.d.store.tokenOf(c.copy);
    return {
      pixelUrl: `${base}/e/${token}/open.gif`,
      clickUrl: (position) => `${base}/e/${token}/${position}`,
      ownBase: base,
      pixel: s.pixel,
      clicks: s.clicks,
    };
  }

  /** Attachments left attached for a reason become feed events (stored, so they replay with their seq). */
  private async notify(senderId: string, messageId: string, outcomes: Outcome[]): Promise<void> {
    const at = new Date().toISOString();
    for (const o of outcomes) {
      if (o.kind !== 'kept' || !o.notice) continue;
      await this.d.events.append({
        sender_id: senderId,
        type: 'attachment_kept',
        at,
        message_id: messageId,
        automated: 0,
        self: 0,
        detail: JSON.stringify({ file: o.file.name, code: o.code, message: o.notice }),
      });
    }
  }

  private async deliver(c: Copy, from: string, file: string, result: CopyResult): Promise<void> {
    const outcome: DeliveryOutcome = await this.d.upstream!.send({ from, to: c.recipient.address }, file);
    await this.d.store.delivered(c.copy.id, outcome);
    result.delivery = outcome.ok ? 'sent' : outcome.permanent ? 'failed' : 'pending';
    this.d.bus.emit('mail:delivery', { outcome: outcome.ok ? 'sent' : outcome.permanent ? 'refused' : 'deferred' });
    result.response = outcome.response;
    if (!outcome.ok)
      this.d.logger.warn(
        { copyId: c.copy.id, permanent: outcome.permanent, response: outcome.response },
        'upstream did not accept a copy',
      );
  }

  /** The message's status from every copy (this attempt's and earlier ones'); throws unless every copy went out. */
  private async settle(message: MessageRow, copies: Copy[], results: CopyResult[]): Promise<SubmitResult> {
    const now = new Map(results.map((r) => [r.recipient, r.delivery]));
    const state = copies.map((c) => now.get(c.recipient.address) ?? c.copy.delivery);
    const sent = state.filter((s) => s === 'sent').length;
    const status = sent === state.length ? 'sent' : sent > 0 ? 'partial' : 'failed';
    await this.d.store.setStatus(message.id, status);
    const updated = { ...message, status } as MessageRow;
    this.d.logger.info({ messageId: message.id, copies: state.length, sent }, 'message submitted upstream');
    if (sent > 0)
      this.d.bus.emit('message:sent', {
        senderId: message.sender_id,
        messageId: message.id,
        recipients: results.filter((r) => r.delivery === 'sent').map((r) => r.recipient),
      });
    if (status === 'sent') return { message: updated, copies: results };
    const failed = results.filter((r) => r.delivery !== 'sent');
    const summary = `${sent} of ${state.length} copies accepted; not accepted: ${failed.map((r) => `${r.recipient} (${(r.response ?? '').slice(0, 120)})`).join(', ')}`;
    throw failed.some((r) => r.delivery === 'pending') ? upstreamUnavailable(summary) : upstreamRefused(summary);
  }
}
