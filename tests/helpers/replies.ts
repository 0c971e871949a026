// Received mail for the reply tests, in the shapes real systems send: a person's reply (threading headers as mail
// clients write them), an Exchange out-of-office, a Postfix bounce (RFC 3464) around the copy that was sent, a
// read receipt (the shared corpus's RFC 8098 example, re-pointed at our message), each with the receiving server's
// Authentication-Results on top.
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { corpusFile } from './corpus.ts';

const CRLF = (s: string) => s.replace(/\r?\n/g, '\r\n');
const id = (host: string) => `<${randomBytes(9).toString('hex')}@${host}>`;
const date = () => new Date().toUTCString().replace('GMT', '+0000');

export interface ReplyOptions {
  from: string;
  to: string;
  cc?: string[];
  subject: string;
  /** The tracked message's Message-ID. */
  inReplyTo: string;
  /** Earlier messages of the thread, oldest first (the tracked one is added first). */
  references?: string[];
  /** Authentication-Results of the receiving server, topmost first. */
  authResults?: string[];
  headers?: Record<string, string>;
  body?: string;
  messageId?: string;
}

export function reply(o: ReplyOptions): { raw: string; messageId: string } {
  const messageId = o.messageId ?? id(o.from.split('@')[1]!);
  const auth = o.authResults ?? [
    `mx.example.org; spf=pass smtp.mailfrom=${o.from}; dkim=pass header.d=${o.from.split('@')[1]}; dmarc=pass header.from=${o.from.split('@')[1]}`,
  ];
  const lines = [
    ...auth.map((a) => `Authentication-Results: ${a}`),
    `From: ${o.from}`,
    `To: ${o.to}`,
    ...(o.cc?.length ? [`Cc: ${o.cc.join(', ')}`] : []),
    `Subject: ${o.subject}`,
    `Date: ${date()}`,
    `Message-ID: ${messageId}`,
    `In-Reply-To: ${o.inReplyTo}`,
    `References: ${[o.inReplyTo, ...(o.references ?? [])].join(' ')}`,
    ...Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    o.body ?? 'Thanks, looks good.\n\n> Please find the proposal attached.',
    '',
  ];
  return { raw: CRLF(lines.join('\n')), messageId };
}

/** Exchange's out-of-office answer: Auto-Submitted, X-Auto-Response-Suppress, "Automatic reply:". */
export function outOfOffice(o: { from: string; to: string; subject: string; inReplyTo: string }) {
  return reply({
    ...o,
    subject: `Automatic reply: ${o.subject}`,
    headers: {
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
      'X-MS-Exchange-Inbox-Rules-Loop': o.from,
    },
    body: 'I am out of the office until Monday with limited access to email.',
  });
}

/** Postfix's bounce of a copy it could not deliver (the copy itself returned as message/rfc822). */
export function bounce(o: { to: string; finalRecipient: string; copy: string; status?: string }) {
  const boundary = `${randomBytes(6).toString('hex').toUpperCase()}.1764669600/mail.example.org`;
  const status = o.status ?? '5.1.1';
  const messageId = id('mail.example.org');
  const raw = [
    'Return-Path: <>',
    `Authentication-Results: mx.example.org; spf=none smtp.helo=mail.example.org`,
    `Date: ${date()}`,
    'From: MAILER-DAEMON@mail.example.org (Mail Delivery System)',
    'Subject: Undelivered Mail Returned to Sender',
    `To: ${o.to}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;\n\tboundary="${boundary}"`,
    'Content-Transfer-Encoding: 8bit',
    `Message-Id: ${messageId}`,
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${boundary}`,
    'Content-Description: Notification',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'This is the mail system at host mail.example.org.',
    '',
    "I'm sorry to have to inform you that your message could not",
    "be delivered to one or more recipients. It's attached below.",
    '',
    `<${o.finalRecipient}>: host mx.acme.example[192.0.2.25] said: 550 ${status}`,
    `    <${o.finalRecipient}>: Recipient address rejected: User unknown in virtual`,
    '    mailbox table (in reply to RCPT TO command)',
    '',
    `--${boundary}`,
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mail.example.org',
    'X-Postfix-Queue-ID: 4F2A31C0B9',
    `X-Postfix-Sender: rfc822; ${o.to}`,
    `Arrival-Date: ${date()}`,
    '',
    `Final-Recipient: rfc822; ${o.finalRecipient}`,
    `Original-Recipient: rfc822;${o.finalRecipient}`,
    'Action: failed',
    `Status: ${status}`,
    'Remote-MTA: dns; mx.acme.example',
    `Diagnostic-Code: smtp; 550 ${status} <${o.finalRecipient}>: Recipient address rejected:`,
    '    User unknown in virtual mailbox table',
    '',
    `--${boundary}`,
    'Content-Description: Undelivered Message',
    'Content-Type: message/rfc822',
    'Content-Transfer-Encoding: 8bit',
    '',
    o.copy.replace(/\r\n/g, '\n').trimEnd(),
    '',
    `--${boundary}--`,
    '',
  ].join('\n');
  return { raw: CRLF(raw), messageId };
}

/** The corpus's RFC 8098 read receipt, sent by `from` about our message. */
export function readReceipt(o: { from: string; to: string; originalMessageId: string }) {
  const messageId = id(o.from.split('@')[1]!);
  const raw = fs
    .readFileSync(corpusFile('mail/flanker__disposition-notification.eml'), 'utf8')
    .replace(/^From: .*$/m, `From: ${o.from}`)
    .replace(/^To: .*$/m, `To: ${o.to}`)
    .replace(/^Message-Id: .*$/im, `Message-Id: ${messageId}`)
    .replace(/^(Original|Final)-Recipient: rfc822;.*$/gm, `$1-Recipient: rfc822;${o.from}`)
    .replace(/^Original-Message-ID: .*$/m, `Original-Message-ID: ${o.originalMessageId}`);
  return { raw: CRLF(raw), messageId };
}
