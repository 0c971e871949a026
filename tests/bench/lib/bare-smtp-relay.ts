// The baseline for the relay benchmark: smtp-server forwarding each message unchanged to the same upstream with a
// pooled nodemailer transport, one copy per recipient, no rewriting, no database.
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';

export async function startBareRelay(upstreamUrl: string): Promise<{ port: number; close(): Promise<void> }> {
  const transport = nodemailer.createTransport({ url: upstreamUrl, pool: true, maxConnections: 3 } as Parameters<
    typeof nodemailer.createTransport
  >[0]);
  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 100 * 1024 * 1024,
    onAuth: (_auth, _session, cb) => cb(null, { user: 'bench' }),
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        Promise.all(
          session.envelope.rcptTo.map((r) => transport.sendMail({ envelope: { from, to: [r.address] }, raw })),
        ).then(
          () => cb(null, 'Accepted'),
          (err: Error) => cb(err),
        );
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.server.address() as AddressInfo).port,
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      transport.close();
    },
  };
}
