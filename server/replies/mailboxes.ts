// Per-sender IMAP mailbox settings and the poller's state. The password is sealed at rest (AES-256-GCM under a key
// from DATA_DIR/secret, the sender's id bound in) and opened only to log in: no answer or log line carries it.
import type { Db, MailboxRow } from '../../storage/db/index.ts';
import type { Sealer } from '../../storage/sealer.ts';
import type { MailboxJson } from '../api-types.ts';

export interface MailboxSettings {
  host: string;
  port: number;
  security: 'tls' | 'starttls' | 'off';
  user: string;
  folder: string;
}

export interface MailboxState {
  state: 'connecting' | 'connected' | 'error';
  message?: string | null;
  checked?: boolean;
  connected?: boolean;
}

export class Mailboxes {
  private readonly db: Db;
  private readonly sealer: Sealer;

  constructor(db: Db, sealer: Sealer) {
    this.db = db;
    this.sealer = sealer;
  }

  get(senderId: string): Promise<MailboxRow | undefined> {
    return this.db.selectFrom('mailboxes').selectAll().where('sender_id', '=', senderId).executeTakeFirst();
  }

  all(): Promise<MailboxRow[]> {
    return this.db.selectFrom('mailboxes').selectAll().execute();
  }

  /** Saves settings; without a password the stored one is kept. A new server, account or folder starts over. */
  async save(senderId: string, s: MailboxSettings, password: string | undefined): Promise<MailboxRow> {
    const prior = await this.get(senderId);
    const now = new Date().toISOString();
    const sealed = password === undefined ? prior!.password_sealed : this.sealer.seal(password, senderId);
    const same = prior && prior.host === s.host && prior.username === s.user && prior.folder === s.folder;
    const row: MailboxRow = {
      sender_id: senderId,
      host: s.host,
      port: s.port,
      security: s.security,
      username: s.user,
      password_sealed: sealed,
      folder: s.folder,
      uid_validity: same ? prior.uid_validity : null,
      last_uid: same ? Number(prior.last_uid) : 0,
      state: 'connecting',
      state_message: null,
      last_checked_at: same ? prior.last_checked_at : null,
      connected_at: null,
      created_at: prior?.created_at ?? now,
      updated_at: now,
    };
    await this.db
      .insertInto('mailboxes')
      .values(row)
      .onConflict((oc) => oc.column('sender_id').doUpdateSet({ ...row, created_at: row.created_at }))
      .execute();
    return row;
  }

  async remove(senderId: string): Promise<boolean> {
    const r = await this.db.deleteFrom('mailboxes').where('sender_id', '=', senderId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** The owner's address (their own mail in a thread is not a reply). */
  async ownerEmail(senderId: string): Promise<string | undefined> {
    const r = await this.db.selectFrom('senders').select('email').where('id', '=', senderId).executeTakeFirst();
    return r?.email;
  }

  password(row: MailboxRow): string {
    return this.sealer.open(row.password_sealed, row.sender_id);
  }

  async setState(senderId: string, s: MailboxState): Promise<void> {
    const now = new Date().toISOString();
    await this.db
      .updateTable('mailboxes')
      .set({
        state: s.state,
        state_message: s.message ?? null,
        ...(s.checked ? { last_checked_at: now } : {}),
        ...(s.connected ? { connected_at: now } : {}),
      })
      .where('sender_id', '=', senderId)
      .execute();
  }

  /** The last UID taken under a UIDVALIDITY; written after each message, so a restart resumes after it. */
  async advance(senderId: string, uidValidity: string, lastUid: number): Promise<void> {
    await this.db
      .updateTable('mailboxes')
      .set({ uid_validity: uidValidity, last_uid: lastUid })
      .where('sender_id', '=', senderId)
      .execute();
  }
}

/** The settings and status as the API shows them: never the password, only whether one is set. */
export function mailboxJson(row: MailboxRow): MailboxJson {
  return {
    host: row.host,
    port: Number(row.port),
    security: row.security,
    user: row.username,
    folder: row.folder,
    passwordSet: Boolean(row.password_sealed),
    status: {
      state: row.state as MailboxJson['status']['state'],
      message: row.state_message,
      lastCheckedAt: row.last_checked_at,
      connectedAt: row.connected_at,
      uidValidity: row.uid_validity,
      lastUid: Number(row.last_uid),
    },
  };
}
