// The real app with its SMTP relay on a random loopback port, forwarding to a recording sink; nodemailer as the
// mail client; small readers for the copies that arrive.
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { simpleParser, type ParsedMail } from 'mailparser';
import { startApp, type TestApp, type TestSender } from './app.ts';
import { startSink, type SmtpSink } from './smtp-sink.ts';

export interface MailRig {
  t: TestApp;
  sink: SmtpSink;
  smtpPort: number;
  /** The implicit-TLS port, when SMTP_RELAY_TLS_PORT is set. */
  tlsPort: number | null;
  close(): Promise<void>;
}

export async function startMailRig(env: Record<string, string> = {}): Promise<MailRig> {
  const sink = await startSink();
  const t = await startApp({ SMTP_UPSTREAM_URL: sink.url, ...env });
  const { port, tlsPort } = await t.app.mail.relay.start(0, '127.0.0.1');
  return {
    t,
    sink,
    smtpPort: port,
    tlsPort,
    async close() {
      await t.close();
      await sink.close();
    },
  };
}

/** A nodemailer client of the relay, signed in as `s` (or with the given credentials). */
export function client(rig: MailRig, auth: { user: string; pass: string } | null) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: rig.smtpPort,
    secure: false,
    ignoreTLS: true,
    ...(auth ? { auth } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 120_000,
  });
}

export function senderAuth(s: TestSender) {
  return { user: s.email, pass: s.token };
}

export async function send(rig: MailRig, s: TestSender, mail: Mail.Options) {
  const c = client(rig, senderAuth(s));
  try {
    return await c.sendMail({ from: s.email, ...mail });
  } finally {
    c.close();
  }
}

/** Link tokens of this app in a text, in order of appearance, without repeats. */
export function linkTokens(rig: MailRig, text: string): string[] {
  const re = new RegExp(
    `${rig.t.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/v/([A-Za-z0-9_-]{16,64})(/thumbnail)?`,
    'g',
  );
  return [...new Set([...text.matchAll(re)].filter((m) => !m[2]).map((m) => m[1]!))];
}

export async function parse(raw: string): Promise<ParsedMail> {
  return simpleParser(raw, { keepCidLinks: true });
}

/** Builds a raw message with nodemailer's composer (for the HTTP API and raw SMTP clients), keeping Bcc as a
 * mail client that submits it would. */
export async function compose(mail: Mail.Options): Promise<Buffer> {
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const node = new MailComposer(mail).compile();
  (node as unknown as { keepBcc: boolean }).keepBcc = true;
  return new Promise((resolve, reject) => node.build((err, msg) => (err ? reject(err) : resolve(msg))));
}

/** Submits the compose form's fields (to, cc, subject, text, documents: comma-separated ids) through the API as `s`. */
export async function composeForm(rig: MailRig, s: TestSender, fields: Record<string, string>): Promise<Response> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return fetch(`${rig.t.url}/api/messages/compose`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.token}` },
    body: form,
  });
}
