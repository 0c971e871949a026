// The per-sender mail switches (GET/PUT /api/settings/mail-tracking) against the real relay and SMTP sink: the
// open pixel off means the next copy carries none, click rewriting off leaves every link as written, and each
// sender's switches are their own.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestSender } from '../helpers/app.ts';
import { startMailRig, type MailRig } from '../helpers/mail.ts';
import { sendTracked } from '../helpers/signals.ts';

describe('mail tracking switches', () => {
  let rig: MailRig;
  let s: TestSender;
  before(async () => {
    rig = await startMailRig();
    s = await rig.t.sender();
  });
  after(async () => {
    await rig.close();
  });

  const call = async (who: TestSender | null, method: string, body?: unknown) => {
    const res = await fetch(`${rig.t.url}/api/settings/mail-tracking`, {
      method,
      headers: {
        ...(who ? { authorization: `Bearer ${who.token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('starts with everything on and rejects bad input with a stable code', async () => {
    assert.deepEqual((await call(s, 'GET')).body, { attachments: true, pixel: true, clicks: true });
    const bad = await call(s, 'PUT', { pixel: 'no' });
    assert.equal(bad.status, 422);
    assert.equal((bad.body.error as { code: string }).code, 'validation_failed');
    assert.equal((await call(s, 'PUT', {})).status, 422, 'an empty change is refused');
    assert.equal((await call(s, 'PUT', { pixel: false, extra: 1 })).status, 422, 'unknown fields are refused');
    assert.equal((await call(null, 'GET')).status, 401);
    assert.equal((await call(null, 'PUT', { pixel: false })).status, 401);
    assert.deepEqual((await call(s, 'GET')).body, { attachments: true, pixel: true, clicks: true }, 'nothing changed');
  });

  it('with the pixel off, the next copy has no pixel and its links are still rewritten', async () => {
    const put = await call(s, 'PUT', { pixel: false });
    assert.equal(put.status, 200);
    assert.deepEqual(put.body, { attachments: true, pixel: false, clicks: true });
    const { copies } = await sendTracked(rig, s, ['ann@acme.com']);
    const ann = copies.get('ann@acme.com')!;
    assert.equal(ann.pixel, '', 'no open pixel in the copy');
    assert.doesNotMatch(ann.html, /open\.gif/);
    assert.equal(ann.clicks.size, 3, 'the honeypot and both http(s) links are rewritten');
  });

  it('with clicks off, links stay as written (no honeypot) and the pixel comes back when switched on', async () => {
    assert.deepEqual((await call(s, 'PUT', { pixel: true, clicks: false })).body, {
      attachments: true,
      pixel: true,
      clicks: false,
    });
    const { copies } = await sendTracked(rig, s, ['bob@acme.com']);
    const bob = copies.get('bob@acme.com')!;
    assert.ok(bob.pixel, 'the open pixel is back');
    assert.equal(bob.clicks.size, 0, 'no click redirect at all');
    assert.match(bob.html, /href="https:\/\/example\.com\/pricing\?plan=pro&amp;ref=mail"/);
    assert.match(bob.html, /href='https:\/\/docs\.example\.com\/start'/);
  });

  it('is per sender: another sender keeps the defaults and their mail stays fully tracked', async () => {
    const other = await rig.t.sender();
    assert.deepEqual((await call(other, 'GET')).body, { attachments: true, pixel: true, clicks: true });
    const { copies } = await sendTracked(rig, other, ['cat@acme.com']);
    const cat = copies.get('cat@acme.com')!;
    assert.ok(cat.pixel);
    assert.equal(cat.clicks.size, 3);
    assert.deepEqual((await call(s, 'GET')).body, { attachments: true, pixel: true, clicks: false }, 'unchanged');
  });
});
