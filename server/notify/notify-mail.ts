// Notification emails to the sender through the configured upstream (SMTP_UPSTREAM_URL): first open of a link,
// downloads, replies, probable forwards, and one email per visit when it ends. Never for the sender's own or
// automated activity; the sender's switch and the link's switch turn them off.
import nodemailer, { type Transporter } from 'nodemailer';
import type { Db } from '../../storage/db/index.ts';
import type { ActivityEvent, VisitReport } from '../domain-types.ts';
import type { Logger } from '../logger.ts';
import { eventMail, type Mail, visitMail } from './notification-email.ts';

export class NotifyMail {
  private readonly db: Db;
  private readonly log: Logger;
  private readonly from: string;
  private readonly publicUrl: string;
  private readonly transport: Transporter | null;
  private readonly sending = new Set<Promise<void>>();

  constructor(d: {
    db: Db;
    log: Logger;
    upstreamUrl: string | undefined;
    from: string | undefined;
    publicUrl: string;
  }) {
    this.db = d.db;
    this.log = d.log;
    this.publicUrl = d.publicUrl;
    this.from = d.from ?? `notifications@${new URL(d.publicUrl).hostname}`;
    this.transport = d.upstreamUrl
      ? nodemailer.createTransport({ url: d.upstreamUrl, pool: true, maxConnections: 2 } as Parameters<
          typeof nodemailer.createTransport
        >[0])
      : null;
  }

  private dashboard(documentId?: string): string {
    return documentId ? `${this.publicUrl}/#/documents/${encodeURIComponent(documentId)}` : `${this.publicUrl}/`;
  }

  /** The sender's address if they (and the link, if any) want emails. */
  private async recipientFor(senderId: string, linkId?: string): Promise<string | null> {
    const sender = await this.db
      .selectFrom('senders')
      .select(['email', 'notify_email'])
      .where('id', '=', senderId)
      .executeTakeFirst();
    if (!sender || !Number(sender.notify_email)) return null;
    if (linkId) {
      const link = await this.db.selectFrom('links').select('notify').where('id', '=', linkId).executeTakeFirst();
      if (link && !Number(link.notify)) return null;
    }
    return sender.email;
  }

  onEvent(senderId: string, e: ActivityEvent): void {
    if (!this.transport || e.self || e.automated) return;
    if (!['open', 'download', 'forward', 'reply'].includes(e.type)) return;
    this.track(async () => {
      if (e.type === 'open' && !(await this.firstOpen(e))) return;
      const doc = e.documentId
        ? await this.db.selectFrom('documents').select('name').where('id', '=', e.documentId).executeTakeFirst()
        : undefined;
      const mail = eventMail(e, doc?.name ?? null, this.dashboard(e.documentId));
      if (mail) await this.send(senderId, e.linkId, mail, e.type);
    });
  }

  onVisitEnded(senderId: string, v: VisitReport): void {
    if (!this.transport || v.self || v.automated) return;
    this.track(() => this.send(senderId, v.linkId, visitMail(v, this.dashboard(v.documentId)), 'visit'));
  }

  /** The link's only human open so far. */
  private async firstOpen(e: ActivityEvent): Promise<boolean> {
    if (!e.linkId) return false;
    const r = await this.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('link_id', '=', e.linkId)
      .where('type', '=', 'open')
      .where('self', '=', 0)
      .where('automated', '=', 0)
      .where('seq', '<', e.seq)
      .executeTakeFirst();
    return Number(r?.n ?? 0) === 0;
  }

  private async send(senderId: string, linkId: string | undefined, mail: Mail, kind: string): Promise<void> {
    const to = await this.recipientFor(senderId, linkId);
    if (!to || !this.transport) return;
    await this.transport.sendMail({
      from: `Pagetrail <${this.from}>`,
      to,
      subject: mail.subject,
      text: mail.text,
      // Marked as machine mail: autoresponders stay quiet, and it never looks like a reply to a tracked message.
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Pagetrail-Notification': kind },
    });
    this.log.info({ sender: senderId, kind }, 'notification email sent');
  }

  private track(job: () => Promise<void>): void {
    const p = job()
      .catch((err) => this.log.warn({ err: (err as Error).message }, 'notification email not sent'))
      .finally(() => this.sending.delete(p));
    this.sending.add(p);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.sending]);
    this.transport?.close();
  }
}
