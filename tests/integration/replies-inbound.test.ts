// POST /api/inbound: replies to messages sent through the real relay, matched by their real Message-IDs and
// attributed (recipient, colleague, Cc, thread, stranger); automatic replies, read receipts and bounces kept apart;
// failed authentication flagged; the same mail twice recorded once; another sender's inbox records nothing; live
// in the feed; bad input answered with clear errors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ActivityEvent } from '../../server/realtime/protocol.ts';
import type { TestSender } from '../helpers/app.ts';
import { startMailRig, type MailRig } from '../helpers/mail.ts';
import { checkEvent, replyCases, sendOriginals, type Sent } from '../helpers/reply-cases.ts';
import { reply } from '../helpers/replies.ts';
import { collect, feed, once, type FeedClient } from '../helpers/sockets.ts';
import { eventually } from '../helpers/wait.ts';

async function inbound(rig: MailRig, s: TestSender, raw: string | Buffer, type = 'message/rfc822') {
  const res = await fetch(`${rig.t.url}/api/inbound`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.token}`, 'content-type': type },
    body: typeof raw === 'string' ? raw : new Uint8Array(raw),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** Every stored event of a sender, as the feed replays them. */
async function storedEvents(rig: MailRig, s: TestSender): Promise<ActivityEvent[]> {
  return rig.t.app.events.after(s.id, 0);
}

describe('POST /api/inbound', () => {
  let rig: MailRig;
  let s: TestSender;
  let other: TestSender;
  let sent: Sent;
  let live: FeedClient;
  let liveEvents: ActivityEvent[];
  before(async () => {
    rig = await startMailRig({ INBOUND_MAX_BYTES: String(256 * 1024) });
    s = await rig.t.sender();
    other = await rig.t.sender();
    sent = await sendOriginals(rig, s);
    live = feed(rig.t.url, { token: s.token });
    liveEvents = collect(live);
    await once(live as never, 'connect');
  });
  after(async () => {
    live.close();
    await rig.close();
  });

  it('records each case as its event, attributed, live in the feed', async () => {
    for (const c of replyCases(s, sent)) {
      const r = await inbound(rig, s, c.raw);
      assert.equal(r.status, 202, `${c.name}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.status, 'recorded', c.name);
      assert.equal(r.body.events.length, 1, `${c.name}: one event`);
      checkEvent(c, sent, r.body.events[0]);
      const id = r.body.events[0].id;
      const seen = await eventually(() => liveEvents.find((e) => e.id === id), 20_000, `${c.name} on the feed`);
      checkEvent(c, sent, seen);
    }
  });

  it('a bounce marks the copy it names as refused', async () => {
    const res = await fetch(`${rig.t.url}/api/messages/${sent.proposal.id}`, {
      headers: { authorization: `Bearer ${s.token}` },
    });
    const m = (await res.json()) as { copies: { recipient: string; delivery: string; response: string }[] };
    assert.equal(m.copies.find((c) => c.recipient === 'ben@partner.example')?.delivery, 'failed');
    assert.match(m.copies.find((c) => c.recipient === 'ben@partner.example')?.response ?? '', /5\.1\.1/);
    assert.equal(
      m.copies.find((c) => c.recipient === 'ann@acme.example')?.delivery,
      'sent',
      'the other copy is untouched',
    );
  });

  it('the same mail twice is recorded once', async () => {
    const r = reply({
      from: 'ann@acme.example',
      to: s.email,
      subject: 'Re: Proposal',
      inReplyTo: sent.proposal.messageId,
    });
    const first = await inbound(rig, s, r.raw);
    assert.equal(first.body.status, 'recorded');
    const again = await inbound(rig, s, r.raw);
    assert.equal(again.status, 202);
    assert.equal(again.body.status, 'duplicate');
    const events = (await storedEvents(rig, s)).filter((e) => e.id === first.body.events[0].id);
    assert.equal(events.length, 1);
  });

  it("a reply to one sender's message posted to another sender's inbound records nothing for either", async () => {
    const beforeMine = (await storedEvents(rig, s)).length;
    const r = reply({
      from: 'ann@acme.example',
      to: other.email,
      subject: 'Re: Proposal',
      inReplyTo: sent.proposal.messageId,
    });
    const res = await inbound(rig, other, r.raw);
    assert.equal(res.status, 202);
    assert.equal(res.body.status, 'ignored');
    assert.equal(res.body.messageId, null, "the other sender's message is not revealed");
    assert.equal((await storedEvents(rig, other)).length, 0);
    assert.equal((await storedEvents(rig, s)).length, beforeMine);
    // The same mail is still the owner's to take.
    assert.equal((await inbound(rig, s, r.raw)).body.status, 'recorded');
  });

  it("mail that answers no tracked message is ignored, and the sender's own mail in the thread too", async () => {
    const stray = reply({
      from: 'ann@acme.example',
      to: s.email,
      subject: 'Lunch?',
      inReplyTo: '<nothing@acme.example>',
    });
    assert.equal((await inbound(rig, s, stray.raw)).body.status, 'ignored');
    const own = reply({
      from: s.email,
      to: 'ann@acme.example',
      subject: 'Re: Proposal',
      inReplyTo: sent.proposal.messageId,
    });
    assert.equal((await inbound(rig, s, own.raw)).body.status, 'ignored');
  });

  it('refuses bad input with clear errors, and the next request works', async () => {
    const ok = reply({
      from: 'ann@acme.example',
      to: s.email,
      subject: 'Re: Proposal',
      inReplyTo: sent.proposal.messageId,
    });
    const wrongType = await inbound(rig, s, ok.raw, 'text/plain');
    assert.equal(wrongType.status, 415);
    assert.equal(wrongType.body.error.code, 'message_type_required');
    const big = await inbound(rig, s, ok.raw.replace('Thanks', 'x'.repeat(300 * 1024)));
    assert.equal(big.status, 413);
    assert.equal(big.body.error.code, 'message_too_large');
    const garbage = await inbound(rig, s, Buffer.from('\u0000\u0001 not a message at all'));
    assert.equal(garbage.status, 400);
    assert.equal(garbage.body.error.code, 'message_invalid');
    const anon = await fetch(`${rig.t.url}/api/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822' },
      body: ok.raw,
    });
    assert.equal(anon.status, 401);
    assert.equal((await inbound(rig, s, ok.raw)).body.status, 'recorded');
  });
});
