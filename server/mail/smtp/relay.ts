// The SMTP submission relay (the mail feature's edge for mail clients): AUTH with the sender's email and an API
// token, MAIL FROM only the sender's own address, SIZE advertised and enforced, STARTTLS when a certificate is
// set; each message goes to the mail service, and the client hears 250 only when every copy went upstream.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import type { Accounts, Sender } from '../../accounts/senders.ts';
import type { Logger } from '../../logger.ts';
import { isAddress, normAddress } from '../addresses.ts';
import type { MailService } from '../service.ts';
import { spool } from '../spool.ts';
import { smtpError, toSmtpError } from './replies.ts';

export interface RelayOptions {
  accounts: Accounts;
  service: MailService;
  logger: Logger;
  tmpDir: string;
  maxMessageBytes: number;
  maxRecipients: number;
  allowInsecureAuth: boolean;
  tlsCertPath?: string;
  tlsKeyPath?: string;
  closeTimeoutMs: number;
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

export class SmtpRelay {
  private readonly o: RelayOptions;
  private readonly servers: SMTPServer[] = [];
  private readonly tls: { key: Buffer; cert: Buffer } | null;

  constructor(o: RelayOptions) {
    this.o = o;
    this.tls =
      o.tlsCertPath && o.tlsKeyPath
        ? { cert: fs.readFileSync(o.tlsCertPath), key: fs.readFileSync(o.tlsKeyPath) }
        : null;
  }

  /** Listens for submission (STARTTLS when a certificate is set), or implicit TLS with `secure`. */
  async listen(port: number, host: string, opts: { secure?: boolean } = {}): Promise<number> {
    if (opts.secure && !this.tls) throw new Error('implicit TLS needs SMTP_TLS_CERT and SMTP_TLS_KEY');
    const server = new SMTPServer(this.options(Boolean(opts.secure)));
    server.on('error', (err) => this.o.logger.warn({ err }, 'smtp connection error'));
    this.servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return (server.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
  }

  private options(secure: boolean): SMTPServerOptions {
    const o = this.o;
    return {
      secure,
      ...(this.tls ?? {}),
      name: 'pagetrail',
      banner: 'Pagetrail submission relay',
      size: o.maxMessageBytes,
      authMethods: ['PLAIN', 'LOGIN'],
      authOptional: false,
      // Checked per connection in onAuth (loopback is allowed in clear); smtp-server's flag is all or nothing.
      allowInsecureAuth: true,
      disabledCommands: this.tls ? [] : ['STARTTLS'],
      logger: false,
      closeTimeout: o.closeTimeoutMs,
      socketTimeout: 120_000,
      onAuth: (auth, session, cb) => {
        this.auth(auth.username ?? '', auth.password ?? '', session).then(
          (user) => cb(null, { user }),
          (err: Error) => cb(err),
        );
      },
      onMailFrom: (address, session, cb) => {
        const sender = session.user as unknown as Sender | undefined;
        if (!sender) return cb(smtpError(530, '5.7.0 Authentication required'));
        if (normAddress(address.address) !== sender.email)
          return cb(smtpError(553, `5.7.1 Sender address refused: you are signed in as ${sender.email}`));
        cb();
      },
      onRcptTo: (address, session, cb) => {
        if (!session.user) return cb(smtpError(530, '5.7.0 Authentication required'));
        if (!isAddress(normAddress(address.address))) return cb(smtpError(553, '5.1.3 Not a valid recipient address'));
        if (session.envelope.rcptTo.length >= o.maxRecipients)
          return cb(smtpError(452, `4.5.3 At most ${o.maxRecipients} recipients per message`));
        cb();
      },
      onData: (stream, session, cb) => {
        this.data(stream, session).then(
          (text) => cb(null, text),
          (err: unknown) => cb(toSmtpError(err)),
        );
      },
    };
  }

  private async auth(username: string, password: string, session: SMTPServerSession): Promise<string> {
    if (!session.secure && !this.o.allowInsecureAuth && !LOOPBACK.test(session.remoteAddress)) {
      throw smtpError(538, '5.7.11 Encryption required: use STARTTLS before AUTH');
    }
    const sender = await this.o.accounts.senderByToken(password);
    if (!sender || sender.email !== normAddress(username))
      throw smtpError(535, '5.7.8 Authentication credentials invalid');
    // smtp-server types `user` as a string; the sender travels in it.
    return sender as unknown as string;
  }

  private async data(
    stream: NodeJS.ReadableStream & { sizeExceeded?: boolean },
    session: SMTPServerSession,
  ): Promise<string> {
    const sender = session.user as unknown as Sender;
    const file = await spool(
      stream as unknown as import('node:stream').Readable,
      this.o.tmpDir,
      this.o.maxMessageBytes,
      { drain: true },
    );
    try {
      if (stream.sizeExceeded) throw smtpError(552, '5.3.4 Message too big');
      const envelope = {
        from: normAddress((session.envelope.mailFrom || { address: sender.email }).address),
        to: session.envelope.rcptTo.map((r) => normAddress(r.address)),
      };
      const result = await this.o.service.submit({ sender, rawPath: file.path, envelope, send: true });
      return `2.0.0 Accepted: ${result.copies.length} ${result.copies.length === 1 ? 'copy' : 'copies'} sent as ${result.message.message_id}`;
    } finally {
      await fs.promises.rm(file.path, { force: true });
    }
  }
}
