// The reply cases both inputs are tested with (POST /api/inbound and the IMAP poller against a real Dovecot): two
// messages sent through the real relay, then what comes back for them and what each must become.
import assert from 'node:assert/strict';
import type { ActivityEvent } from '../../server/realtime/protocol.ts';
import type { TestSender } from './app.ts';
import { send, type MailRig } from './mail.ts';
import { bounce, outOfOffice, readReceipt, reply } from './replies.ts';
import { eventually } from './wait.ts';

export interface Sent {
  /** To ann@acme.example, Cc ben@partner.example. */
  proposal: { id: string; messageId: string; copyFor: (address: string) => string };
  /** To pat@gmail.com (a free-mail recipient). */
  hello: { id: string; messageId: string };
}

export interface ReplyCase {
  name: string;
  raw: string;
  expect: Partial<Pick<ActivityEvent, 'type' | 'recipient' | 'automated' | 'automatedReason'>> & {
    attribution?: string;
    authFailed?: boolean;
    messageId: 'proposal' | 'hello';
  };
}

/** Sends the two messages through the relay (so the Message-IDs are the ones the copies really carry). */
export async function sendOriginals(rig: MailRig, s: TestSender): Promise<Sent> {
  const before = rig.sink.received.length;
  const p = await send(rig, s, {
    to: 'Ann <ann@acme.example>',
    cc: 'ben@partner.example',
    subject: 'Proposal',
    text: 'Please find the proposal attached.',
  });
  const h = await send(rig, s, { to: 'pat@gmail.com', subject: 'Hello Pat', text: 'Hi Pat' });
  await eventually(() => rig.sink.received.length >= before + 3, 20_000, 'three copies at the sink');
  const list = (await (
    await fetch(`${rig.t.url}/api/messages`, { headers: { authorization: `Bearer ${s.token}` } })
  ).json()) as { messages: { id: string; messageId: string }[] };
  const byId = (mid: string) => {
    const m = list.messages.find((x) => x.messageId === mid);
    assert.ok(m, `message ${mid} is listed`);
    return m;
  };
  const received = rig.sink.received.slice(before);
  return {
    proposal: {
      ...byId(p.messageId),
      copyFor: (address) => {
        const copy = received.find((r) => r.to.includes(address));
        assert.ok(copy, `a copy for ${address} reached the sink`);
        assert.ok(copy.raw.includes(p.messageId), 'the copy keeps the Message-ID');
        return copy.raw;
      },
    },
    hello: byId(h.messageId),
  };
}

export function replyCases(s: TestSender, sent: Sent): ReplyCase[] {
  const p = sent.proposal;
  const annReply = reply({
    from: 'ann@acme.example',
    to: s.email,
    cc: ['carl@consult.example'],
    subject: 'Re: Proposal',
    inReplyTo: p.messageId,
  });
  return [
    {
      name: 'the recipient',
      raw: annReply.raw,
      expect: {
        messageId: 'proposal',
        type: 'reply',
        recipient: 'ann@acme.example',
        attribution: 'recipient',
        automated: false,
      },
    },
    {
      name: 'a colleague at the same domain',
      raw: reply({ from: 'bob@acme.example', to: s.email, subject: 'Re: Proposal', inReplyTo: p.messageId }).raw,
      expect: {
        messageId: 'proposal',
        type: 'reply',
        recipient: 'ann@acme.example',
        attribution: 'colleague',
        automated: false,
      },
    },
    {
      name: "a Cc'd person",
      raw: reply({ from: 'ben@partner.example', to: s.email, subject: 'Re: Proposal', inReplyTo: p.messageId }).raw,
      expect: {
        messageId: 'proposal',
        type: 'reply',
        recipient: 'ben@partner.example',
        attribution: 'cc',
        automated: false,
      },
    },
    {
      name: "someone the recipient's reply brought in (Cc)",
      raw: reply({
        from: 'carl@consult.example',
        to: s.email,
        subject: 'Re: Proposal',
        inReplyTo: annReply.messageId,
        references: [p.messageId],
      }).raw,
      expect: {
        messageId: 'proposal',
        type: 'reply',
        recipient: 'ann@acme.example',
        attribution: 'thread',
        automated: false,
      },
    },
    {
      name: 'a stranger at a free-mail domain (a recipient there too)',
      raw: reply({ from: 'zed@gmail.com', to: s.email, subject: 'Re: Hello Pat', inReplyTo: sent.hello.messageId }).raw,
      expect: { messageId: 'hello', type: 'reply', recipient: undefined, attribution: 'unknown', automated: false },
    },
    {
      name: 'an out-of-office',
      raw: outOfOffice({ from: 'ann@acme.example', to: s.email, subject: 'Proposal', inReplyTo: p.messageId }).raw,
      expect: {
        messageId: 'proposal',
        type: 'auto_reply',
        recipient: 'ann@acme.example',
        automated: true,
        automatedReason: 'auto_reply',
      },
    },
    {
      name: 'a read receipt (RFC 8098)',
      raw: readReceipt({ from: 'ben@partner.example', to: s.email, originalMessageId: p.messageId }).raw,
      expect: {
        messageId: 'proposal',
        type: 'auto_reply',
        recipient: 'ben@partner.example',
        automated: true,
        automatedReason: 'read_receipt',
      },
    },
    {
      name: 'a bounce',
      raw: bounce({ to: s.email, finalRecipient: 'ben@partner.example', copy: p.copyFor('ben@partner.example') }).raw,
      expect: {
        messageId: 'proposal',
        type: 'bounce',
        recipient: 'ben@partner.example',
        automated: true,
        automatedReason: 'delivery_report',
      },
    },
    {
      name: 'a reply whose DMARC failed',
      raw: reply({
        from: 'ann@acme.example',
        to: s.email,
        subject: 'Re: Proposal',
        inReplyTo: p.messageId,
        authResults: [
          'mx.example.org; spf=fail smtp.mailfrom=ann@acme.example; dkim=none; dmarc=fail (p=reject) header.from=acme.example',
          'forged.example; dmarc=pass',
        ],
      }).raw,
      expect: {
        messageId: 'proposal',
        type: 'reply',
        recipient: 'ann@acme.example',
        automated: true,
        authFailed: true,
        automatedReason: 'auth_failed',
      },
    },
  ];
}

/** Checks the one event a case became. */
export function checkEvent(c: ReplyCase, sent: Sent, e: ActivityEvent | undefined): void {
  assert.ok(e, `${c.name}: an event was stored`);
  const x = c.expect;
  assert.equal(e.messageId, sent[x.messageId].id, `${c.name}: for the right message`);
  assert.equal(e.type, x.type, `${c.name}: type`);
  assert.equal(e.recipient ?? undefined, x.recipient, `${c.name}: attributed recipient`);
  assert.equal(e.automated, x.automated, `${c.name}: automated`);
  if (x.attribution) assert.equal(e.reply?.attribution, x.attribution, `${c.name}: attribution`);
  if (x.automatedReason) assert.equal(e.automatedReason, x.automatedReason, `${c.name}: reason`);
  assert.equal(Boolean(e.reply?.authFailed), Boolean(x.authFailed), `${c.name}: authentication flag`);
}
