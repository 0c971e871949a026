// The sender's own opens: the device cookie set at sign-in (kept after sign-out) and the addresses of their
// dashboard sessions mark pixel opens, clicks and viewer visits `self: true`, left out of counts; another browser
// counts. Tenant isolation: one sender's tokens and ids reveal and change nothing of another's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ActivityEvent } from '../../server/realtime/protocol.ts';
import { waitReady, type TestSender } from '../helpers/app.ts';
import { linkTokens, startMailRig, type MailRig } from '../helpers/mail.ts';
import { makePdf } from '../helpers/pdf.ts';
import { copyOf, DESKTOP_UA, deliveredLongAgo, hit, messageOf, sendTracked } from '../helpers/signals.ts';
import { collect, feed, started, viewer, type FeedClient } from '../helpers/sockets.ts';
import { eventually } from '../helpers/wait.ts';

const WAIT = 30_000;
const DASHBOARD_IP = '203.0.113.50';

/** Signs in from `ip` as a browser would; returns the cookies set, by name, and the raw Set-Cookie lines. */
async function signIn(rig: MailRig, s: TestSender, ip: string, cookie = '') {
  const res = await fetch(`${rig.t.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, 'user-agent': DESKTOP_UA, cookie },
    body: JSON.stringify({ email: s.email, password: s.password }),
  });
  assert.equal(res.status, 200);
  const lines = res.headers.getSetCookie();
  const jar = new Map(lines.map((l) => [l.split('=')[0]!, l.split(';')[0]!.split('=').slice(1).join('=')]));
  return { jar, lines };
}

describe("email signals: the sender's own opens", () => {
  let rig: MailRig;
  let s: TestSender;
  let other: TestSender;
  let f: FeedClient;
  let got: ActivityEvent[];
  before(async () => {
    rig = await startMailRig({ TRUST_PROXY: 'true' });
    s = await rig.t.sender();
    other = await rig.t.sender();
    f = feed(rig.t.url, { token: s.token });
    got = collect(f);
    await eventually(() => f.connected, WAIT, 'the feed socket to connect');
  });
  after(async () => {
    f.close();
    await rig.close();
  });

  const next = (what: string, mark: number, pred: (e: ActivityEvent) => boolean = () => true) =>
    eventually(() => got.find((e) => e.seq > mark && pred(e)), WAIT, what);
  const last = () => got.at(-1)?.seq ?? 0;

  it('sets a long-lived HttpOnly, SameSite=Lax device cookie at sign-in and keeps it after sign-out', async () => {
    const { jar, lines } = await signIn(rig, s, DASHBOARD_IP);
    const device = lines.find((l) => l.startsWith('pt_device='));
    assert.ok(device, 'a device cookie is set');
    assert.match(device, /HttpOnly/);
    assert.match(device, /SameSite=Lax/);
    assert.match(device, /Path=\//);
    const maxAge = Number(/Max-Age=(\d+)/.exec(device)?.[1]);
    assert.ok(maxAge >= 365 * 24 * 3600, 'it lasts at least a year');
    const value = jar.get('pt_device')!;
    assert.ok(Buffer.from(value, 'base64url').length >= 16, 'at least 128 random bits');
    const stored = await rig.t.db.selectFrom('sender_devices').selectAll().execute();
    assert.ok(stored.length >= 1 && stored.every((r) => r.id_hash !== value), 'stored as its hash only');

    const again = await signIn(rig, s, DASHBOARD_IP, `pt_device=${value}`);
    assert.ok(!again.lines.some((l) => l.startsWith('pt_device=')), 'a browser that has one keeps it');
    const out = await fetch(`${rig.t.url}/api/session`, {
      method: 'DELETE',
      headers: { cookie: `pt_session=${again.jar.get('pt_session')}; pt_device=${value}` },
    });
    assert.equal(out.status, 204);
    assert.ok(!out.headers.getSetCookie().some((l) => l.startsWith('pt_device=')), 'sign-out leaves it alone');
  });

  it("marks the sender's own pixel opens, clicks and viewer visits self and leaves them out of counts", async () => {
    const { jar } = await signIn(rig, s, DASHBOARD_IP);
    const deviceCookie = `pt_device=${jar.get('pt_device')}`;
    const { messageId, copies } = await sendTracked(rig, s, ['ann@acme.com'], {
      attachments: [{ filename: 'Terms.pdf', content: makePdf(2) }],
    });
    await deliveredLongAgo(rig);
    const ann = copies.get('ann@acme.com')!;

    // The sender's browser (signed out, another network) opening the mail and clicking.
    let mark = last();
    await hit(ann.pixel, DESKTOP_UA, '198.51.100.90', { headers: { cookie: deviceCookie } });
    assert.equal((await next('own open by cookie', mark)).self, true);
    mark = last();
    const c = await hit(ann.clicks.get(1)!, DESKTOP_UA, '198.51.100.90', { headers: { cookie: deviceCookie } });
    assert.equal(c.status, 302);
    assert.equal((await next('own click by cookie', mark)).self, true);
    // Another mail client on the network the dashboard was used from.
    mark = last();
    await hit(ann.pixel, 'Microsoft Outlook 16.0.17928; Pro', DASHBOARD_IP);
    assert.equal((await next('own open by address', mark)).self, true);

    // The sender reading the document from the mail in their own browser.
    const m0 = await messageOf(rig, s, messageId);
    await waitReady(rig.t, s.token, m0.documents[0]!.id);
    const [linkToken] = linkTokens(rig, ann.html);
    assert.ok(linkToken, 'the copy carries a viewer link');
    mark = last();
    const mine = viewer(rig.t.url, { token: linkToken }, { cookie: deviceCookie, 'x-forwarded-for': '198.51.100.91' });
    await started(mine);
    assert.equal((await next('own viewer visit', mark, (e) => e.type === 'open')).self, true);
    mine.close();

    // Another browser somewhere else counts.
    mark = last();
    await hit(ann.pixel, DESKTOP_UA, '198.51.100.92');
    const theirs = await next("the recipient's open", mark);
    assert.equal(theirs.self, false);
    assert.equal(theirs.automated, false);
    mark = last();
    const v = viewer(rig.t.url, { token: linkToken }, { 'x-forwarded-for': '198.51.100.92' });
    await started(v);
    assert.equal((await next("the recipient's visit", mark, (e) => e.type === 'open')).self, false);
    v.close();

    const a = copyOf(await messageOf(rig, s, messageId), 'ann@acme.com');
    assert.equal(a.signals.opens, 1, 'only the recipient’s open is counted');
    assert.equal(a.signals.clicks, 0, 'the own click is not counted');
    assert.equal(a.signals.self, 3);
    assert.equal(a.signals.documentVisits, 1, 'the own visit is left out of the reading');
    assert.equal(a.signals.status, 'read');
    const analytics = (await (
      await fetch(`${rig.t.url}/api/documents/${m0.documents[0]!.id}/analytics`, {
        headers: { authorization: `Bearer ${s.token}` },
      })
    ).json()) as { visits: number };
    assert.equal(analytics.visits, 1, "the document's analytics leave the own visit out");
  });

  it("keeps senders apart: foreign ids are 404, another sender's feed hears nothing, their browser is not self", async () => {
    const { messageId, copies } = await sendTracked(rig, s, ['bea@acme.com']);
    await deliveredLongAgo(rig);
    const res = await fetch(`${rig.t.url}/api/messages/${messageId}`, {
      headers: { authorization: `Bearer ${other.token}` },
    });
    assert.equal(res.status, 404);
    const list = (await (
      await fetch(`${rig.t.url}/api/messages`, { headers: { authorization: `Bearer ${other.token}` } })
    ).json()) as { messages: { id: string }[] };
    assert.ok(!list.messages.some((m) => m.id === messageId));

    const theirFeed = feed(rig.t.url, { token: other.token });
    const theirs = collect(theirFeed);
    await eventually(() => theirFeed.connected, WAIT, "the other sender's feed");
    try {
      // The other sender's browser opening this sender's mail is a recipient like any other.
      const { jar } = await signIn(rig, other, '203.0.113.77');
      const mark = last();
      await hit(copies.get('bea@acme.com')!.pixel, DESKTOP_UA, '203.0.113.77', {
        headers: { cookie: `pt_device=${jar.get('pt_device')}` },
      });
      const open = await next("bea's open", mark);
      assert.equal(open.self, false, "another sender's device is not this sender's");
      // Their own message, opened, reaches their feed; nothing of the first sender's did.
      const mine = await sendTracked(rig, other, ['cy@acme.com']);
      await deliveredLongAgo(rig);
      await hit(mine.copies.get('cy@acme.com')!.pixel, DESKTOP_UA, '198.51.100.120');
      await eventually(() => theirs.some((e) => e.type === 'email_open'), WAIT, "the other sender's own open");
      assert.deepEqual(
        theirs.filter((e) => e.type === 'email_open').map((e) => e.recipient),
        ['cy@acme.com'],
      );
      assert.ok(!got.some((e) => e.recipient === 'cy@acme.com'), "the first sender's feed did not hear it");
      assert.equal(copyOf(await messageOf(rig, s, messageId), 'bea@acme.com').signals.opens, 1);
    } finally {
      theirFeed.close();
    }
  });
});
