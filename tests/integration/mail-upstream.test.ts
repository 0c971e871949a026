// The upstream's answers reach the client: down -> 4xx and nothing recorded as sent; one recipient refused ->
// the client is told, and the retry of the same Message-ID sends only the missing copy. No upstream -> the
// setting is named.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestSender } from '../helpers/app.ts';
import { send, startMailRig, type MailRig } from '../helpers/mail.ts';

type Detail = { status: string; sentAt: string | null; copies: { recipient: string; delivery: string }[] };

async function only(rig: MailRig, s: TestSender): Promise<Detail> {
  const h = { authorization: `Bearer ${s.token}` };
  const { messages } = (await (await fetch(`${rig.t.url}/api/messages`, { headers: h })).json()) as {
    messages: { id: string }[];
  };
  assert.equal(messages.length, 1);
  return (await fetch(`${rig.t.url}/api/messages/${messages[0]!.id}`, { headers: h })).json() as Promise<Detail>;
}

async function refusal(p: Promise<unknown>): Promise<{ responseCode?: number; response?: string }> {
  try {
    await p;
  } catch (err) {
    return err as { responseCode?: number; response?: string };
  }
  throw new Error('the relay answered 250 where the upstream did not take every copy');
}

const mail = (id: string) => ({
  to: ['ana@example.org', 'ben@example.org'],
  cc: 'cara@example.org',
  subject: 'Retry me',
  text: 'Body',
  messageId: `<${id}-${Date.now()}@client.example>`,
});

describe('SMTP relay: upstream failures', () => {
  let rig: MailRig;
  before(async () => {
    rig = await startMailRig();
  });
  after(() => rig.close());

  it('answers 4xx when the upstream is down, records nothing as sent, and the retry sends every copy once', async () => {
    const s = await rig.t.sender();
    const m = mail('down');
    await rig.sink.stop();
    const err = await refusal(send(rig, s, m));
    assert.ok(
      err.responseCode! >= 400 && err.responseCode! < 500,
      `expected 4xx, got ${err.responseCode} ${err.response}`,
    );
    const d = await only(rig, s);
    assert.equal(d.sentAt, null);
    assert.deepEqual(
      d.copies.map((c) => c.delivery),
      ['pending', 'pending', 'pending'],
      'no copy recorded as sent',
    );
    await rig.sink.start();
    const before = rig.sink.received.length;
    const info = await send(rig, s, m);
    assert.match(info.response, /^250 /);
    assert.equal(rig.sink.received.length - before, 3);
    assert.equal((await only(rig, s)).status, 'sent');
  });

  it('tells the client when the upstream refuses one recipient, and the retry sends only the missing copy', async () => {
    const s = await rig.t.sender();
    const m = mail('refused');
    rig.sink.refuse.add('ben@example.org');
    const start = rig.sink.received.length;
    const err = await refusal(send(rig, s, m));
    assert.ok(err.responseCode! >= 500, `expected 5xx, got ${err.responseCode}`);
    assert.match(err.response ?? '', /ben@example\.org/, 'the reply names the refused recipient');
    assert.deepEqual(
      rig.sink.received
        .slice(start)
        .map((r) => r.to[0])
        .sort(),
      ['ana@example.org', 'cara@example.org'],
    );
    const d = await only(rig, s);
    assert.equal(d.status, 'partial');
    assert.equal(d.copies.find((c) => c.recipient === 'ben@example.org')!.delivery, 'failed');
    rig.sink.refuse.clear();
    const again = rig.sink.received.length;
    const info = await send(rig, s, m);
    assert.match(info.response, /^250 /);
    assert.deepEqual(
      rig.sink.received.slice(again).map((r) => r.to[0]),
      ['ben@example.org'],
      'only the missing copy is sent again',
    );
    assert.equal((await only(rig, s)).status, 'sent');
  });
});

describe('SMTP relay: no upstream configured', () => {
  let rig: MailRig;
  before(async () => {
    rig = await startMailRig({ SMTP_UPSTREAM_URL: '' });
  });
  after(() => rig.close());

  it('answers with an error naming SMTP_UPSTREAM_URL', async () => {
    const s = await rig.t.sender();
    const err = await refusal(send(rig, s, mail('none')));
    assert.equal(err.responseCode, 451);
    assert.match(err.response ?? '', /SMTP_UPSTREAM_URL/);
    assert.equal(rig.sink.received.length, 0);
  });
});
