// What the relay refuses, each with its SMTP code, and nothing reaches the upstream.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestSender } from '../helpers/app.ts';
import { client, send, senderAuth, startMailRig, type MailRig } from '../helpers/mail.ts';
import { dialog } from '../helpers/smtp-dialog.ts';

const MAIL = { to: 'ana@example.org', subject: 'Hello', text: 'Hi there' };

async function refusal(p: Promise<unknown>): Promise<{ responseCode?: number; response?: string }> {
  try {
    await p;
  } catch (err) {
    return err as { responseCode?: number; response?: string };
  }
  throw new Error('the relay accepted what it should have refused');
}

describe('SMTP relay: refusals', () => {
  let rig: MailRig;
  let s: TestSender;
  let other: TestSender;
  before(async () => {
    rig = await startMailRig({ MAX_MESSAGE_BYTES: String(64 * 1024) });
    s = await rig.t.sender();
    other = await rig.t.sender();
  });
  after(() => rig.close());

  it('refuses a wrong password with 535', async () => {
    const c = client(rig, { user: s.email, pass: 'pt_not-the-token' });
    const err = await refusal(c.sendMail({ from: s.email, ...MAIL }));
    c.close();
    assert.equal(err.responseCode, 535);
    assert.equal(rig.sink.received.length, 0);
  });

  it('refuses an unknown user with 535, even with a valid token of someone else', async () => {
    const c = client(rig, { user: 'nobody@example.org', pass: s.token });
    const err = await refusal(c.sendMail({ from: 'nobody@example.org', ...MAIL }));
    c.close();
    assert.equal(err.responseCode, 535);
    assert.equal(rig.sink.received.length, 0);
  });

  it('answers MAIL and RCPT without AUTH with 530 (no relaying for unauthenticated clients)', async () => {
    const d = dialog(rig.smtpPort);
    try {
      assert.equal((await d.greeting).code, 220);
      const ehlo = await d.command('EHLO client.example');
      assert.equal(ehlo.code, 250);
      assert.match(ehlo.text, /SIZE 65536/, 'SIZE is advertised');
      assert.match(ehlo.text, /AUTH PLAIN LOGIN/);
      assert.equal((await d.command(`MAIL FROM:<${s.email}>`)).code, 530);
      assert.equal((await d.command('RCPT TO:<ana@example.org>')).code, 530);
    } finally {
      d.close();
    }
    assert.equal(rig.sink.received.length, 0);
  });

  it('refuses MAIL FROM of another sender with 553', async () => {
    const c = client(rig, senderAuth(s));
    const err = await refusal(c.sendMail({ from: other.email, ...MAIL }));
    c.close();
    assert.equal(err.responseCode, 553);
    assert.equal(rig.sink.received.length, 0);
  });

  it('refuses an over-size message with 552', async () => {
    const err = await refusal(
      send(rig, s, { ...MAIL, attachments: [{ filename: 'big.bin', content: Buffer.alloc(100 * 1024, 7) }] }),
    );
    assert.equal(err.responseCode, 552);
    // Declared too large up front, or found too large in DATA: both are refused and nothing goes out.
    const d = dialog(rig.smtpPort);
    try {
      await d.greeting;
      await d.command('EHLO client.example');
      const auth = await d.command(`AUTH PLAIN ${Buffer.from(`\u0000${s.email}\u0000${s.token}`).toString('base64')}`);
      assert.equal(auth.code, 235);
      assert.equal((await d.command(`MAIL FROM:<${s.email}> SIZE=${1024 * 1024}`)).code, 552);
    } finally {
      d.close();
    }
    assert.equal(rig.sink.received.length, 0);
  });

  it('still relays a good message after all those refusals', async () => {
    const info = await send(rig, s, MAIL);
    assert.match(info.response, /^250 /);
    assert.equal(rig.sink.received.length, 1);
  });
});
