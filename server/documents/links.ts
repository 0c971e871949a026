// Per-recipient links: unguessable tokens (192 bits), looked up by hash, kept only sealed (for the sender's list),
// revocable and expirable.
import type { LinkJson } from '../api-types.ts';
import type { Db, DocumentRow, LinkRow } from '../../storage/db/index.ts';
import { hashSecret, randomSecret } from '../accounts/secrets.ts';
import type { DomainEvents } from '../events.ts';
import { newId } from '../ids.ts';
import { documentFailed, documentNotReady, linkExpired, linkRevoked, notFound } from '../errors.ts';
import type { Sealer } from '../../storage/sealer.ts';
import { accessOf } from '../access/settings.ts';

/** A new link's access settings, the passcode already hashed. */
export interface LinkAccessInput {
  passcodeHash?: string | null;
  requireEmail?: boolean;
  allow?: string[];
  deny?: string[];
  maxViews?: number | null;
  watermark?: boolean;
}

export interface ResolvedLink {
  link: LinkRow;
  document: DocumentRow;
}

export interface ReadableLink extends ResolvedLink {
  pdfKey: string;
}

export class Links {
  private readonly db: Db;
  private readonly publicUrl: string;
  private readonly sealer: Sealer;
  private readonly bus: DomainEvents;

  constructor(db: Db, publicUrl: string, sealer: Sealer, bus: DomainEvents) {
    this.db = db;
    this.publicUrl = publicUrl;
    this.sealer = sealer;
    this.bus = bus;
  }

  url(token: string): string {
    return `${this.publicUrl}/v/${token}`;
  }

  /** A stored link's URL: its token unsealed. */
  urlOf(l: Pick<LinkRow, 'id' | 'token_sealed'>): string {
    return this.url(this.sealer.open(l.token_sealed, l.id));
  }

  json(l: LinkRow): LinkJson {
    const access = accessOf(l);
    return {
      id: l.id,
      documentId: l.document_id,
      url: this.urlOf(l),
      recipient: l.recipient,
      allowDownload: Boolean(l.allow_download),
      expiresAt: l.expires_at,
      revokedAt: l.revoked_at,
      notify: Boolean(l.notify ?? 1),
      createdAt: l.created_at,
      // Whether there is a passcode; never the passcode or its hash.
      hasPasscode: access.passcode,
      requireEmail: access.requireEmail,
      allow: access.allow,
      deny: access.deny,
      maxViews: access.maxViews,
      watermark: access.watermark,
    };
  }

  async create(
    doc: DocumentRow,
    input: { recipient?: string | null; allowDownload?: boolean; expiresAt?: string | null; access?: LinkAccessInput },
  ): Promise<LinkRow> {
    const a = input.access ?? {};
    if (doc.status === 'failed') throw documentFailed();
    const token = randomSecret(24);
    const id = newId('lnk');
    const row: LinkRow = {
      id,
      document_id: doc.id,
      sender_id: doc.sender_id,
      token_sealed: this.sealer.seal(token, id),
      token_hash: hashSecret(token),
      recipient: input.recipient ?? null,
      allow_download: input.allowDownload === false ? 0 : 1,
      expires_at: input.expiresAt ?? null,
      notify: 1,
      revoked_at: null,
      created_at: new Date().toISOString(),
      passcode_hash: a.passcodeHash ?? null,
      require_email: a.requireEmail ? 1 : 0,
      allow_list: a.allow?.length ? JSON.stringify(a.allow) : null,
      deny_list: a.deny?.length ? JSON.stringify(a.deny) : null,
      max_views: a.maxViews ?? null,
      watermark: a.watermark ? 1 : 0,
    };
    await this.db.insertInto('links').values(row).execute();
    return row;
  }

  async list(senderId: string, documentId: string): Promise<LinkRow[]> {
    return this.db
      .selectFrom('links')
      .selectAll()
      .where('sender_id', '=', senderId)
      .where('document_id', '=', documentId)
      .orderBy('created_at', 'desc')
      .execute();
  }

  async revoke(senderId: string, id: string): Promise<LinkRow> {
    const row = await this.db
      .selectFrom('links')
      .selectAll()
      .where('id', '=', id)
      .where('sender_id', '=', senderId)
      .executeTakeFirst();
    if (!row) throw notFound('Link');
    if (!row.revoked_at) {
      row.revoked_at = new Date().toISOString();
      await this.db.updateTable('links').set({ revoked_at: row.revoked_at }).where('id', '=', id).execute();
    }
    // Also when it was revoked before: a reader still connected then is turned away now.
    this.bus.emit('link:revoked', { senderId, linkId: row.id });
    return row;
  }

  /** A recipient's token -> its link and document; unknown 404, revoked or expired 410. */
  async resolve(token: string): Promise<ResolvedLink> {
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) throw notFound('Link');
    const link = await this.db
      .selectFrom('links')
      .selectAll()
      .where('token_hash', '=', hashSecret(token))
      .executeTakeFirst();
    if (!link) throw notFound('Link');
    if (link.revoked_at) throw linkRevoked();
    if (link.expires_at && link.expires_at <= new Date().toISOString()) throw linkExpired();
    const document = await this.db
      .selectFrom('documents')
      .selectAll()
      .where('id', '=', link.document_id)
      .executeTakeFirst();
    if (!document) throw notFound('Link');
    return { link, document };
  }

  /** As resolve, and the document is ready to read (503 document_not_ready while it is processing). */
  async resolveReadable(token: string): Promise<ReadableLink> {
    const resolved = await this.resolve(token);
    const pdfKey = resolved.document.pdf_key;
    if (resolved.document.status !== 'ready' || !pdfKey) {
      throw documentNotReady();
    }
    return { ...resolved, pdfKey };
  }
}
