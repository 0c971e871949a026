// The gates in front of a link's reader: passcode (scrypt, failures limited per link and per address), an email
// gate (a single-use 6-digit code mailed to the address, valid 10 minutes, 5 tries), allow and deny lists checked
// against the verified address, and a view limit. Every refusal is stored as an `access_denied` event with its
// reason, so the sender sees it on the feed.
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../storage/db/index.ts';
import type { ClientInfo } from '../accounts/identity.ts';
import { verifyPassword } from '../accounts/secrets.ts';
import type { ResolvedLink } from '../documents/links.ts';
import { newId } from '../ids.ts';
import type { Logger } from '../logger.ts';
import type { FailureCount, FailureFactory, KeyedLimit, LimitFactory } from '../rate-limit.ts';
import type { EventStore } from '../tracking/event-store.ts';
import { agentInfoAsync } from '../tracking/user-agent.ts';
import type { CodeMailer } from './code-mail.ts';
import type { Pass } from './passes.ts';
import { accessOf, addressRefusal, needsEmail, type LinkAccess, type RefusalReason } from './settings.ts';

export const CODE_VALID_MINUTES = 10;
const CODE_TRIES = 5;
const WINDOW_MS = 15 * 60_000;

/** What the reader meets: the reader itself, a gate to pass, or a refusal. */
export type Decision =
  | { kind: 'read'; access: LinkAccess; email: string | null }
  | { kind: 'passcode'; access: LinkAccess }
  | { kind: 'email'; access: LinkAccess }
  | { kind: 'refused'; access: LinkAccess; reason: RefusalReason };

export type Attempt = { ok: true; pass: Pass } | { ok: false; reason: RefusalReason };

export interface GateDeps {
  db: Db;
  events: EventStore;
  logger: Logger;
  /** null: no SMTP_UPSTREAM_URL, so links with an email gate cannot be opened. */
  mailer: CodeMailer | null;
  /** From address of code mails; the link's sender's address when unset. */
  codeFrom?: string;
  /** Wrong passcodes one address may try on one link per 15 minutes (the link as a whole: 4 times as many). */
  passcodeAttempts: number;
  passHours: number;
  /** Limits and failure counts, shared between instances when they share Redis. */
  limits: LimitFactory;
  failures: FailureFactory;
}

const hashCode = (id: string, code: string) => createHash('sha256').update(`${id}:${code}`).digest();

export class AccessGate {
  private readonly d: GateDeps;
  private readonly perAddress: FailureCount;
  private readonly perLink: FailureCount;
  /** Code mails per link and address, and per client address: a gate is not a way to flood someone's inbox. */
  private readonly mailsPerRecipient: KeyedLimit;
  private readonly mailsPerClient: KeyedLimit;

  constructor(d: GateDeps) {
    this.d = d;
    this.perAddress = d.failures('passcode-address', d.passcodeAttempts, WINDOW_MS);
    this.perLink = d.failures('passcode-link', d.passcodeAttempts * 4, WINDOW_MS);
    this.mailsPerRecipient = d.limits('access-code-recipient', 3, 10 * 60_000);
    this.mailsPerClient = d.limits('access-code-client', 10, 60 * 60_000);
  }

  get canMail(): boolean {
    return this.d.mailer !== null;
  }

  private newPass(old: Pass | null, patch: Partial<Pass>): Pass {
    return {
      passcode: old?.passcode ?? false,
      email: old?.email ?? null,
      ...patch,
      expiresAtMs: Date.now() + this.d.passHours * 3_600_000,
    };
  }

  /** Where a reader with `pass` (or none) stands on this link; a refusal is recorded on the feed. */
  async decide(r: ResolvedLink, pass: Pass | null, client: ClientInfo, countView = true): Promise<Decision> {
    const access = accessOf(r.link);
    if (access.passcode && !pass?.passcode) return { kind: 'passcode', access };
    if (needsEmail(access) && !pass?.email) return { kind: 'email', access };
    const email = needsEmail(access) ? (pass?.email ?? null) : null;
    let reason = email ? addressRefusal(access, email) : null;
    if (!reason && countView && (await this.viewLimitReached(r, client))) reason = 'view_limit_reached';
    if (reason) {
      await this.refuse(r, reason, client, email);
      return { kind: 'refused', access, reason };
    }
    return { kind: 'read', access, email };
  }

  /** Visits the link has opened (the sender's own not counted) against its limit. */
  async viewLimitReached(r: ResolvedLink, client: ClientInfo): Promise<boolean> {
    const max = r.link.max_views;
    if (max === null || max === undefined || client.signedInSenderId === r.link.sender_id) return false;
    const row = await this.d.db
      .selectFrom('visits')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('link_id', '=', r.link.id)
      .where('self', '=', 0)
      .executeTakeFirstOrThrow();
    return Number(row.n) >= Number(max);
  }

  async tryPasscode(r: ResolvedLink, input: string, pass: Pass | null, client: ClientInfo): Promise<Attempt> {
    const keys = [`${r.link.id}|${client.ip}`, r.link.id];
    if ((await this.perAddress.blocked(keys[0]!)) || (await this.perLink.blocked(keys[1]!)))
      return { ok: false, reason: 'passcode_attempts_exceeded' };
    const stored = r.link.passcode_hash;
    if (stored && input.length <= 256 && (await verifyPassword(input, stored)))
      return { ok: true, pass: this.newPass(pass, { passcode: true }) };
    const blocked = (await Promise.all([this.perAddress.fail(keys[0]!), this.perLink.fail(keys[1]!)])).some(Boolean);
    const reason = blocked ? 'passcode_attempts_exceeded' : 'wrong_passcode';
    await this.refuse(r, reason, client, pass?.email ?? null);
    return { ok: false, reason };
  }

  /** Mails a fresh code to `email`; resolves the code's id (carried by the code form), or null when rate-limited. */
  async sendCode(r: ResolvedLink, email: string, client: ClientInfo): Promise<string | null> {
    const mailer = this.d.mailer;
    if (!mailer) throw new Error('no upstream to mail codes through');
    if (!(await this.mailsPerRecipient.take(`${r.link.id}|${email}`)) || !(await this.mailsPerClient.take(client.ip)))
      return null;
    const id = newId('acc');
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const now = Date.now();
    await this.d.db
      .insertInto('access_codes')
      .values({
        id,
        link_id: r.link.id,
        email,
        code_hash: hashCode(id, code).toString('base64url'),
        expires_at: new Date(now + CODE_VALID_MINUTES * 60_000).toISOString(),
        used_at: null,
        created_at: new Date(now).toISOString(),
      })
      .execute();
    const sender = await this.d.db
      .selectFrom('senders')
      .select('email')
      .where('id', '=', r.link.sender_id)
      .executeTakeFirstOrThrow();
    await mailer.send({
      from: this.d.codeFrom ?? sender.email,
      to: email,
      code,
      documentName: r.document.name,
      validMinutes: CODE_VALID_MINUTES,
    });
    this.d.logger.info({ linkId: r.link.id, codeId: id }, 'access code mailed');
    return id;
  }

  /** Checks a code typed into the form; right once, then it is used up. */
  async tryCode(
    r: ResolvedLink,
    codeId: string,
    input: string,
    pass: Pass | null,
    client: ClientInfo,
  ): Promise<Attempt> {
    const row = await this.d.db
      .selectFrom('access_codes')
      .selectAll()
      .where('id', '=', codeId)
      .where('link_id', '=', r.link.id)
      .executeTakeFirst();
    let reason: RefusalReason | null = null;
    if (!row || row.used_at || row.expires_at <= new Date().toISOString()) reason = 'code_expired';
    else if (Number(row.attempts) >= CODE_TRIES) reason = 'code_attempts_exceeded';
    else {
      const right =
        /^\d{6}$/.test(input) && timingSafeEqual(hashCode(row.id, input), Buffer.from(row.code_hash, 'base64url'));
      if (right) {
        // Used once: the update only succeeds for the first of two concurrent right answers.
        const res = await this.d.db
          .updateTable('access_codes')
          .set({ used_at: new Date().toISOString() })
          .where('id', '=', row.id)
          .where('used_at', 'is', null)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) === 1) return { ok: true, pass: this.newPass(pass, { email: row.email }) };
        reason = 'code_expired';
      } else {
        await this.d.db
          .updateTable('access_codes')
          .set({ attempts: sql<number>`attempts + 1` })
          .where('id', '=', row.id)
          .execute();
        reason = Number(row.attempts) + 1 >= CODE_TRIES ? 'code_attempts_exceeded' : 'wrong_code';
      }
    }
    await this.refuse(r, reason, client, row?.email ?? null);
    return { ok: false, reason };
  }

  /** Stores the refusal as an `access_denied` event (published on the feed like every event). */
  async refuse(r: ResolvedLink, reason: RefusalReason, client: ClientInfo, email: string | null): Promise<void> {
    const agent = await agentInfoAsync(client.userAgent);
    await this.d.events.append({
      sender_id: r.link.sender_id,
      document_id: r.document.id,
      link_id: r.link.id,
      type: 'access_denied',
      at: new Date().toISOString(),
      recipient: email ?? r.link.recipient,
      device: JSON.stringify(agent.device),
      automated: agent.automated ? 1 : 0,
      self: client.signedInSenderId === r.link.sender_id ? 1 : 0,
      detail: JSON.stringify({ reason }),
    });
  }

  /** Counts a file (range) request against its visit. */
  async recordFileRead(visitId: string, bytes: number): Promise<void> {
    const at = new Date().toISOString();
    await this.d.db
      .insertInto('visit_file_reads')
      .values({ visit_id: visitId, requests: 1, bytes, last_at: at })
      .onConflict((oc) =>
        oc.column('visit_id').doUpdateSet({
          requests: sql<number>`visit_file_reads.requests + 1`,
          bytes: sql<number>`visit_file_reads.bytes + ${bytes}`,
          last_at: at,
        }),
      )
      .execute();
  }
}
