// A real SMTP server on loopback standing in for the upstream: records every message that arrives, and can be
// told to refuse some recipients or to be down (connections refused).
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Received {
  from: string;
  to: string[];
  raw: string;
}

export interface SmtpSink {
  port: number;
  url: string;
  received: Received[];
  /** Recipients answered with 550 at RCPT TO. */
  refuse: Set<string>;
  /** Stops listening (the upstream is down) until `start()`. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** `keep: false` counts what arrives (raw left empty) so a benchmark's sink holds no messages in memory. */
export async function startSink(opts: { keep?: boolean } = {}): Promise<SmtpSink> {
  const received: Received[] = [];
  const refuse = new Set<string>();
  let server: SMTPServer | null = null;
  let port = 0;
  const make = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 200 * 1024 * 1024,
      onRcptTo(address, _session, cb) {
        if (refuse.has(address.address.toLowerCase()))
          return cb(Object.assign(new Error('5.1.1 Mailbox unavailable'), { responseCode: 550 }));
        cb();
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => opts.keep !== false && chunks.push(c));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          cb();
        });
      },
    });
  const sink: SmtpSink = {
    get port() {
      return port;
    },
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    received,
    refuse,
    async start() {
      server = make();
      await new Promise<void>((r) => server!.listen(port, '127.0.0.1', () => r()));
      port = (server.server.address() as AddressInfo).port;
    },
    async stop() {
      const s = server;
      server = null;
      if (s) await new Promise<void>((r) => s.close(() => r()));
    },
    close() {
      return sink.stop();
    },
  };
  await sink.start();
  return sink;
}
