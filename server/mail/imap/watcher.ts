// One sender's mailbox, watched: connect (TLS, STARTTLS or plain as configured, to the address checked), open the
// folder, take every message after the last UID seen, then wait for new ones with IDLE where the server offers it
// (and a check every IMAP_POLL_INTERVAL_MS in any case). Errors back off exponentially up to IMAP_BACKOFF_MAX_MS.
// State (connected / error with its message / last checked) is written where the API reads it.
import { isIP } from 'node:net';
import { ImapFlow } from 'imapflow';
import type { MailboxRow } from '../../../storage/db/index.ts';
import { isAppError, mailboxInsecure } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { resolveMailHost } from '../../replies/host-check.ts';
import type { InboundService } from '../../replies/inbound.ts';
import type { Mailboxes } from '../../replies/mailboxes.ts';
import type { Threads } from '../../replies/threads.ts';

export interface WatcherDeps {
  mailboxes: Mailboxes;
  threads: Threads;
  inbound: InboundService;
  logger: Logger;
  allowPrivate: boolean;
  pollIntervalMs: number;
  backoffMaxMs: number;
  connectTimeoutMs: number;
  /** Larger messages are judged by their headers alone. */
  maxBytes: number;
}

/** UIDs taken per round: a large folder is worked through in steps, each resumable. */
const BATCH = 500;

/** What an error says to the sender, never a password (server words are short and about the login or network). */
function describe(err: unknown): string {
  if (isAppError(err)) return err.publicMessage;
  const e = err as { responseText?: string; code?: string; message?: string; authenticationFailed?: boolean };
  if (e.authenticationFailed) return `Sign-in refused by the server${e.responseText ? `: ${e.responseText}` : ''}.`;
  return (e.responseText ?? e.message ?? e.code ?? 'Connection failed').slice(0, 300);
}

export class MailboxWatcher {
  private readonly d: WatcherDeps;
  private row: MailboxRow;
  private readonly stop = new AbortController();
  private client: ImapFlow | null = null;
  private sync: Promise<void> = Promise.resolve();
  private readonly done: Promise<void>;

  constructor(row: MailboxRow, d: WatcherDeps) {
    this.row = row;
    this.d = d;
    this.done = this.run();
  }

  private get log() {
    return this.d.logger;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stop.signal.aborted) {
      try {
        await this.session(() => (failures = 0));
      } catch (err) {
        if (this.stop.signal.aborted) break;
        failures++;
        const message = describe(err);
        this.log.warn({ senderId: this.row.sender_id, failures, error: message }, 'mailbox connection failed');
        await this.d.mailboxes
          .setState(this.row.sender_id, { state: 'error', message, checked: true })
          .catch(() => undefined);
      }
      if (this.stop.signal.aborted) break;
      const delay = Math.min(this.d.backoffMaxMs, 1000 * 2 ** Math.min(failures, 20));
      await this.sleep(failures ? delay * (0.75 + Math.random() / 2) : 1000);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.stop.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
  }

  private async session(connected: () => void): Promise<void> {
    const row = this.row;
    await this.d.mailboxes.setState(row.sender_id, { state: 'connecting' });
    const target = await resolveMailHost(row.host, this.d.allowPrivate);
    if (row.security === 'off' && !target.private) throw mailboxInsecure();
    const client = new ImapFlow({
      host: target.address,
      port: Number(row.port),
      secure: row.security === 'tls',
      doSTARTTLS: row.security === 'starttls' ? true : row.security === 'off' ? false : undefined,
      servername: isIP(row.host) ? undefined : row.host,
      auth: { user: row.username, pass: this.d.mailboxes.password(row) },
      logger: false,
      connectionTimeout: this.d.connectTimeoutMs,
      greetingTimeout: this.d.connectTimeoutMs,
      maxIdleTime: this.d.pollIntervalMs,
      autoIdleDelay: 1000,
    } as ConstructorParameters<typeof ImapFlow>[0]);
    this.client = client;
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.on('error', (err: unknown) =>
      this.log.warn({ senderId: row.sender_id, error: describe(err) }, 'mailbox error'),
    );
    try {
      await client.connect();
      await client.mailboxOpen(row.folder);
      connected();
      this.log.info(
        { senderId: row.sender_id, idle: client.capabilities.has('IDLE'), folder: row.folder },
        'mailbox connected',
      );
      await this.d.mailboxes.setState(row.sender_id, { state: 'connected', connected: true });
      client.on('exists', () => this.schedule(client));
      await this.schedule(client);
      const timer = setInterval(() => void this.schedule(client, true), this.d.pollIntervalMs);
      const stopped = new Promise<void>((r) => this.stop.signal.addEventListener('abort', () => r(), { once: true }));
      try {
        await Promise.race([closed, stopped]);
      } finally {
        clearInterval(timer);
      }
      if (!this.stop.signal.aborted) throw new Error('The server closed the connection.');
    } finally {
      this.client = null;
      if (client.usable) await client.logout().catch(() => client.close());
      else client.close();
    }
  }

  /** Runs one sync after any running one; a failure closes the connection (the loop reconnects after a pause). */
  private schedule(client: ImapFlow, noop = false): Promise<void> {
    this.sync = this.sync.then(async () => {
      if (this.stop.signal.aborted || !client.usable) return;
      try {
        // Servers without IDLE tell of new mail only in answer to a command.
        if (noop) await client.noop();
        await this.takeNew(client);
        await this.d.mailboxes.setState(this.row.sender_id, { state: 'connected', checked: true });
      } catch (err) {
        if (this.stop.signal.aborted) return;
        const message = describe(err);
        this.log.warn({ senderId: this.row.sender_id, error: message }, 'mailbox sync failed');
        client.close();
        await this.d.mailboxes.setState(this.row.sender_id, { state: 'error', message, checked: true });
      }
    });
    // The chain must go on after a failure it could not even record (the database closing, say).
    this.sync = this.sync.catch((err: unknown) => this.log.error({ err }, 'mailbox sync could not record its state'));
    return this.sync;
  }

  private async takeNew(client: ImapFlow): Promise<void> {
    const box = client.mailbox;
    if (!box) return;
    const senderId = this.row.sender_id;
    const uidValidity = String(box.uidValidity);
    const known = this.row.uid_validity === uidValidity;
    let last = known ? Number(this.row.last_uid) : 0;
    let uids: number[];
    if (known) {
      uids = ((await client.search({ uid: `${last + 1}:*` }, { uid: true })) || []).filter((u) => u > last);
    } else {
      // A new mailbox, or one whose UIDs were renumbered: look back to the first tracked message (what was taken
      // before is recognised by its Message-ID and not reported twice).
      if (this.row.uid_validity) this.log.info({ senderId, uidValidity }, 'mailbox UIDVALIDITY changed: rescanning');
      const first = await this.d.threads.firstSentAt(senderId);
      const since = first ? new Date(Date.parse(first) - 86_400_000) : null;
      uids = since ? (await client.search({ since }, { uid: true })) || [] : [];
      if (!uids.length) last = Math.max(0, Number(box.uidNext ?? 1) - 1);
    }
    uids.sort((a, b) => a - b);
    const owner = { id: senderId, email: (await this.d.mailboxes.ownerEmail(senderId)) ?? '' };
    for (let i = 0; i < uids.length; i += BATCH) {
      const batch = uids.slice(i, i + BATCH);
      // Headers first (commands cannot run inside a FETCH), then the whole message only for those that may be ours.
      const heads: { uid: number; size: number; headers: Buffer }[] = [];
      for await (const m of client.fetch(batch.join(','), { uid: true, size: true, headers: true }, { uid: true }))
        heads.push({ uid: m.uid, size: m.size ?? 0, headers: m.headers ?? Buffer.alloc(0) });
      heads.sort((a, b) => a.uid - b.uid);
      for (const h of heads) {
        if (this.stop.signal.aborted) return;
        if (await this.d.inbound.screen(senderId, h.headers)) {
          const whole =
            h.size <= this.d.maxBytes ? await client.fetchOne(String(h.uid), { source: true }, { uid: true }) : null;
          const raw = whole && whole.source ? whole.source : h.headers;
          try {
            const r = await this.d.inbound.receive(owner, raw, 'imap');
            this.log.debug({ senderId, uid: h.uid, status: r.status, kind: r.kind }, 'mailbox message taken');
          } catch (err) {
            // One unreadable message must not hold the mailbox up.
            if (!isAppError(err)) throw err;
            this.log.warn({ senderId, uid: h.uid, code: err.code }, 'mailbox message skipped');
          }
        }
        last = h.uid;
        await this.d.mailboxes.advance(senderId, uidValidity, last);
        this.row = { ...this.row, uid_validity: uidValidity, last_uid: last };
      }
    }
    if (this.row.uid_validity !== uidValidity || Number(this.row.last_uid) !== last) {
      await this.d.mailboxes.advance(senderId, uidValidity, last);
      this.row = { ...this.row, uid_validity: uidValidity, last_uid: last };
    }
  }

  async close(): Promise<void> {
    this.stop.abort();
    this.client?.close();
    await this.done;
    await this.sync;
  }
}
