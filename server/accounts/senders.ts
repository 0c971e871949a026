// Senders, their API tokens and dashboard sessions.
import type { Db, SenderRow } from '../../storage/db/index.ts';
import type { MailSettingsJson as MailSettings } from '../api-types.ts';
import { senderExists } from '../errors.ts';
import { newId } from '../ids.ts';
import { OwnBrowsers } from './own-browsers.ts';
import { hashPassword, hashSecret, randomSecret, verifyPassword } from './secrets.ts';

export interface Sender {
  id: string;
  email: string;
}

const toSender = (r: Pick<SenderRow, 'id' | 'email'>): Sender => ({ id: r.id, email: r.email });
const normEmail = (email: string) => email.trim().toLowerCase();

export class Accounts {
  private readonly db: Db;
  private readonly sessionTtlMs: number;
  /** The sender's own browsers and dashboard addresses (their opens are `self`). */
  readonly own: OwnBrowsers;

  constructor(db: Db, opts: { sessionTtlHours: number; selfAddressDays?: number }) {
    this.db = db;
    this.sessionTtlMs = opts.sessionTtlHours * 3600_000;
    this.own = new OwnBrowsers(db, { addressDays: opts.selfAddressDays ?? 0 });
  }

  async createSender(email: string, password: string): Promise<{ sender: Sender; token: string }> {
    const e = normEmail(email);
    const existing = await this.db.selectFrom('senders').select('id').where('email', '=', e).executeTakeFirst();
    if (existing) throw senderExists();
    const sender = { id: newId('snd'), email: e };
    await this.db
      .insertInto('senders')
      .values({ ...sender, password_hash: await hashPassword(password), created_at: new Date().toISOString() })
      .execute();
    return { sender, token: await this.createToken(sender.id) };
  }

  async createToken(senderId: string): Promise<string> {
    const token = `pt_${randomSecret(32)}`;
    await this.db
      .insertInto('api_tokens')
      .values({
        id: newId('tok'),
        sender_id: senderId,
        token_hash: hashSecret(token),
        created_at: new Date().toISOString(),
      })
      .execute();
    return token;
  }

  /** The per-sender switch for mail: off leaves every attachment attached. */
  async setMailTracking(senderId: string, on: boolean): Promise<void> {
    await this.setMailSettings(senderId, { attachments: on });
  }

  /** The per-sender mail switches: links for attachments, the open pixel, click redirects (all on by default). */
  async mailSettings(senderId: string): Promise<MailSettings> {
    const row = await this.db
      .selectFrom('senders')
      .select(['mail_tracking', 'mail_pixel', 'mail_clicks'])
      .where('id', '=', senderId)
      .executeTakeFirst();
    const on = (v: number | undefined) => Number(v ?? 1) !== 0;
    return { attachments: on(row?.mail_tracking), pixel: on(row?.mail_pixel), clicks: on(row?.mail_clicks) };
  }

  /** Changes the switches given, keeps the others; resolves to all of them. */
  async setMailSettings(senderId: string, change: Partial<MailSettings>): Promise<MailSettings> {
    const flag = (v: boolean | undefined) => (v === undefined ? undefined : v ? 1 : 0);
    const set = {
      mail_tracking: flag(change.attachments),
      mail_pixel: flag(change.pixel),
      mail_clicks: flag(change.clicks),
    };
    const values = Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined));
    if (Object.keys(values).length)
      await this.db.updateTable('senders').set(values).where('id', '=', senderId).execute();
    return this.mailSettings(senderId);
  }

  async senderByEmail(email: string): Promise<Sender | null> {
    const row = await this.db
      .selectFrom('senders')
      .select(['id', 'email'])
      .where('email', '=', normEmail(email))
      .executeTakeFirst();
    return row ? toSender(row) : null;
  }

  async senderByToken(token: string): Promise<Sender | null> {
    return (await this.tokenAuth(token))?.sender ?? null;
  }

  /** The sender behind an API token, and which token it is (sockets opened with it end when it is revoked). */
  async tokenAuth(token: string): Promise<{ sender: Sender; tokenId: string } | null> {
    if (!token.startsWith('pt_') || token.length > 200) return null;
    const row = await this.db
      .selectFrom('api_tokens')
      .innerJoin('senders', 'senders.id', 'api_tokens.sender_id')
      .select(['senders.id', 'senders.email', 'api_tokens.id as token_id'])
      .where('api_tokens.token_hash', '=', hashSecret(token))
      .executeTakeFirst();
    return row ? { sender: toSender(row), tokenId: row.token_id } : null;
  }

  async listTokens(senderId: string): Promise<{ id: string; createdAt: string }[]> {
    const rows = await this.db
      .selectFrom('api_tokens')
      .select(['id', 'created_at'])
      .where('sender_id', '=', senderId)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({ id: r.id, createdAt: r.created_at }));
  }

  /** Deletes one of the sender's tokens; false when it is not theirs (or gone already). */
  async revokeToken(senderId: string, tokenId: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('api_tokens')
      .where('id', '=', tokenId)
      .where('sender_id', '=', senderId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** Checks the password; the same work is done for unknown emails so timing does not reveal accounts. */
  async signIn(email: string, password: string): Promise<{ sender: Sender; sessionId: string } | null> {
    const row = await this.db
      .selectFrom('senders')
      .select(['id', 'email', 'password_hash'])
      .where('email', '=', normEmail(email))
      .executeTakeFirst();
    const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
    if (!row || !ok) return null;
    const sessionId = randomSecret(32);
    const now = Date.now();
    await this.db
      .insertInto('sessions')
      .values({
        id_hash: hashSecret(sessionId),
        sender_id: row.id,
        expires_at: new Date(now + this.sessionTtlMs).toISOString(),
        created_at: new Date(now).toISOString(),
      })
      .execute();
    return { sender: toSender(row), sessionId };
  }

  async senderBySession(sessionId: string): Promise<Sender | null> {
    return (await this.session(sessionId))?.sender ?? null;
  }

  /** A live session: its sender, the hash it is stored under and when it ends. */
  async session(sessionId: string): Promise<{ sender: Sender; idHash: string; expiresAt: string } | null> {
    if (sessionId.length > 200) return null;
    const idHash = hashSecret(sessionId);
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('senders', 'senders.id', 'sessions.sender_id')
      .select(['senders.id', 'senders.email', 'sessions.expires_at'])
      .where('sessions.id_hash', '=', idHash)
      .executeTakeFirst();
    if (!row || row.expires_at <= new Date().toISOString()) return null;
    return { sender: toSender(row), idHash, expiresAt: row.expires_at };
  }

  /** Whether a stored session (by hash) is still live. */
  async sessionLive(idHash: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('sessions')
      .select('expires_at')
      .where('id_hash', '=', idHash)
      .executeTakeFirst();
    return Boolean(row && row.expires_at > new Date().toISOString());
  }

  /** Ends a session; returns the hash it was stored under (its sockets are closed by that). */
  async signOut(sessionId: string): Promise<string> {
    const idHash = hashSecret(sessionId);
    await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    return idHash;
  }
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
