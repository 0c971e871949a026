// Email signals end to end: a message sent through the real relay to an SMTP sink, its copies' open pixel and click
// redirects fetched as a desktop browser, a mail proxy, Apple's privacy relay and scanners would; the feed and the
// Sent list say who did what, machines apart; nothing is recorded for HEAD, prefetches and forged tokens.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ActivityEvent } from '../../server/realtime/protocol.ts';
import { PIXEL } from '../../server/http/email-signals.ts';
import type { TestSender } from '../helpers/app.ts';
import { startMailRig, type MailRig } from '../helpers/mail.ts';
import {
  APPLE_MPP_UA,
  copyOf,
  DESKTOP_UA,
  deliveredLongAgo,
  GMAIL_PROXY_UA,
  HEADLESS_UA,
  hit,
  IPHONE_UA,
  messageOf,
  sendTracked,
  YAHOO_PROXY_UA,
} from '../helpers/signals.ts';
import { collect, feed, type FeedClient } from '../helpers/sockets.ts';
import { eventually } from '../helpers/wait.ts';

const WAIT = 30_000;

describe('email signals: open pixel and click redirects', () => {
  let rig: MailRig;
  let s: TestSender;
  let f: FeedClient;
  let got: ActivityEvent[];
  before(async () => {
    rig = await startMailRig({ TRUST_PROXY: 'true', MAIL_SCAN_WINDOW_SECONDS: '120' });
    s = await rig.t.sender();
    f = feed(rig.t.url, { token: s.token });
    got = collect(f);
    await eventually(() => f.connected, WAIT, 'the feed socket to connect');
  });
  after(async () => {
    f.close();
    await rig.close();
  });

  const arrived = (what: string, pred: (e: ActivityEvent) => boolean) => eventually(() => got.find(pred), WAIT, what);

  /** Nothing else was stored since `mark`: a human open of `sentinel` is the next event in the feed. */
  async function nothingRecordedSince(mark: number, sentinel: string) {
    const seqs = got.filter((e) => e.seq > mark);
    await hit(sentinel, DESKTOP_UA, '192.0.2.200');
    const next = await arrived('the sentinel open', (e) => e.seq > mark && e.type === 'email_open');
    assert.deepEqual(seqs, [], 'no event arrived before the sentinel');
    assert.equal(
      got.filter((e) => e.seq > mark && e.seq < next.seq).length,
      0,
      'the sentinel is the first event stored since',
    );
  }

  it('records a desktop open and a click for the right recipient, in the feed and the Sent list', async () => {
    const { messageId, copies } = await sendTracked(rig, s, ['ann@acme.com', 'bob@acme.com']);
    await deliveredLongAgo(rig);
    const ann = copies.get('ann@acme.com')!;
    assert.ok(ann.pixel, 'the HTML part carries an open pixel');
    assert.match(ann.html, /<img src="[^"]+\/open\.gif" width="1" height="1"/);
    assert.equal(ann.clicks.size, 3, 'the honeypot and two http(s) links are rewritten');
    assert.match(ann.html, /href="mailto:sales@example\.com"/, 'a mailto link stays as it is');
    assert.doesNotMatch(ann.html, /href="https:\/\/example\.com/, 'no http(s) link is left unrewritten');
    assert.notEqual(copies.get('bob@acme.com')!.token, ann.token, 'each copy has its own token');
    assert.ok(Buffer.from(ann.token, 'base64url').length >= 16, 'the token carries at least 128 bits');

    const res = await hit(ann.pixel, DESKTOP_UA, '198.51.100.7');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/gif');
    assert.equal(res.headers.get('cache-control'), 'no-store, no-cache, max-age=0');
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(PIXEL));
    const open = await arrived('email_open in the feed', (e) => e.type === 'email_open');
    assert.equal(open.recipient, 'ann@acme.com');
    assert.equal(open.messageId, messageId);
    assert.equal(open.automated, false);
    assert.equal(open.self, false);
    assert.equal(open.first, true);
    assert.equal(open.subject, 'Proposal');
    assert.equal(open.device?.type, 'desktop');

    const click = await hit(ann.clicks.get(1)!, DESKTOP_UA, '198.51.100.7');
    assert.equal(click.status, 302);
    assert.equal(click.headers.get('location'), 'https://example.com/pricing?plan=pro&ref=mail');
    const clicked = await arrived('click in the feed', (e) => e.type === 'click');
    assert.equal(clicked.recipient, 'ann@acme.com');
    assert.equal(clicked.url, 'https://example.com/pricing?plan=pro&ref=mail');
    assert.equal(clicked.linkText, 'pricing');
    assert.equal(clicked.automated, false);

    const second = await hit(copies.get('ann@acme.com')!.clicks.get(2)!, IPHONE_UA, '198.51.100.7');
    assert.equal(second.headers.get('location'), 'https://docs.example.com/start');
    await arrived('the second click', (e) => e.type === 'click' && e.linkText === 'getting started guide');
    await hit(ann.pixel, IPHONE_UA, '198.51.100.8');
    const repeat = await arrived('a repeat open', (e) => e.type === 'email_open' && e.seq > open.seq);
    assert.equal(repeat.first, false);
    assert.equal(repeat.device?.type, 'mobile');

    const m = await messageOf(rig, s, messageId);
    const a = copyOf(m, 'ann@acme.com');
    assert.equal(a.signals.opens, 2);
    assert.equal(a.signals.clicks, 2);
    assert.equal(a.signals.status, 'clicked');
    assert.deepEqual(
      a.events.map((e) => e.type),
      ['email_open', 'click', 'click', 'email_open'],
      "ann's timeline",
    );
    assert.equal(copyOf(m, 'bob@acme.com').signals.status, 'not_opened');
    assert.equal(copyOf(m, 'bob@acme.com').events.length, 0);
    const list = (await (
      await fetch(`${rig.t.url}/api/messages`, { headers: { authorization: `Bearer ${s.token}` } })
    ).json()) as { messages: { id: string; signals: { status: string; opens: number; openedBy: number } }[] };
    const summary = list.messages.find((x) => x.id === messageId)!;
    assert.equal(summary.signals.status, 'clicked');
    assert.equal(summary.signals.opens, 2);
    assert.equal(summary.signals.openedBy, 1);

    // The token is looked up by its hash: the database keeps no clear copy of it.
    const rows = await rig.t.db.selectFrom('message_copies').selectAll().execute();
    assert.ok(rows.length >= 2);
    for (const r of rows) assert.ok(!JSON.stringify(r).includes(ann.token), 'no column holds the clear token');
  });

  it('keeps the stored destination whatever the client adds to the click URL', async () => {
    const { copies } = await sendTracked(rig, s, ['cid@acme.com']);
    await deliveredLongAgo(rig);
    const url = copies.get('cid@acme.com')!.clicks.get(1)!;
    for (const tampered of [
      `${url}?url=https://evil.example/`,
      `${url}/https://evil.example/`,
      `${url}/..%2f..%2fevil`,
      `${url}?next=//evil.example`,
    ]) {
      const res = await hit(tampered, DESKTOP_UA, '198.51.100.20');
      assert.equal(res.status, 302, tampered);
      assert.equal(res.headers.get('location'), 'https://example.com/pricing?plan=pro&ref=mail', tampered);
    }
  });

  it('records nothing for HEAD, prefetches and forged or unknown tokens, and answers them all the same', async () => {
    const { copies } = await sendTracked(rig, s, ['dee@acme.com', 'eve@acme.com']);
    await deliveredLongAgo(rig);
    const dee = copies.get('dee@acme.com')!;
    const mark = got.at(-1)?.seq ?? 0;
    const head = await hit(dee.pixel, DESKTOP_UA, '198.51.100.30', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-type'), 'image/gif');
    const prefetches: Record<string, string>[] = [
      { purpose: 'prefetch' },
      { 'sec-purpose': 'prefetch' },
      { 'sec-purpose': 'prefetch;prerender' },
    ];
    for (const headers of prefetches) {
      const res = await hit(dee.pixel, DESKTOP_UA, '198.51.100.30', { headers });
      assert.equal(res.status, 200);
      assert.ok(Buffer.from(await res.arrayBuffer()).equals(PIXEL));
      const c = await hit(dee.clicks.get(1)!, DESKTOP_UA, '198.51.100.30', { headers });
      assert.equal(c.status, 302, 'a prefetched click still redirects');
    }
    const headClick = await hit(dee.clicks.get(1)!, DESKTOP_UA, '198.51.100.30', { method: 'HEAD' });
    assert.equal(headClick.status, 302);

    const forged = `${rig.t.url}/e/${randomBytes(24).toString('base64url')}`;
    const fp = await hit(`${forged}/open.gif`, DESKTOP_UA, '198.51.100.31');
    assert.equal(fp.status, 200, 'a forged pixel token gets the same GIF');
    assert.ok(Buffer.from(await fp.arrayBuffer()).equals(PIXEL));
    assert.equal(fp.headers.get('cache-control'), 'no-store, no-cache, max-age=0');
    const fc = await hit(`${forged}/1`, DESKTOP_UA, '198.51.100.31');
    assert.equal(fc.status, 404, 'a forged click token is not a redirect');
    assert.equal(fc.headers.get('location'), null);
    assert.match(fc.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await fc.text(), /This link is not valid/);
    // A real token with a changed character, a link number it does not have, junk.
    const changed = dee.token.slice(0, -1) + (dee.token.endsWith('A') ? 'B' : 'A');
    assert.equal((await hit(`${rig.t.url}/e/${changed}/open.gif`, DESKTOP_UA, '198.51.100.31')).status, 200);
    assert.equal((await hit(`${rig.t.url}/e/${dee.token}/99`, DESKTOP_UA, '198.51.100.31')).status, 404);
    assert.equal((await hit(`${rig.t.url}/e/${dee.token}/x`, DESKTOP_UA, '198.51.100.31')).status, 404);
    assert.equal((await hit(`${rig.t.url}/e/not~a~token/open.gif`, DESKTOP_UA, '198.51.100.31')).status, 200);
    await nothingRecordedSince(mark, copies.get('eve@acme.com')!.pixel);
  });

  it("marks an Apple Mail privacy fetch automated (apple_mpp) without place; a bare agent elsewhere is not Apple's", async () => {
    const { messageId, copies } = await sendTracked(rig, s, ['fay@acme.com']);
    await deliveredLongAgo(rig);
    const fay = copies.get('fay@acme.com')!;
    const mark = got.at(-1)?.seq ?? 0;
    await hit(fay.pixel, APPLE_MPP_UA, '17.58.101.4');
    const mpp = await arrived('the MPP open', (e) => e.seq > mark && e.type === 'email_open');
    assert.equal(mpp.automated, true);
    assert.equal(mpp.automatedReason, 'apple_mpp');
    assert.equal(mpp.location ?? null, null);
    const m = copyOf(await messageOf(rig, s, messageId), 'fay@acme.com');
    assert.equal(m.signals.opens, 0, 'a machine open is not counted');
    assert.deepEqual(m.signals.machine, { count: 1, reasons: { apple_mpp: 1 } });
    assert.equal(m.signals.status, 'not_opened');
  });

  it("counts a Gmail or Yahoo proxy open as a person's, without device or place", async () => {
    const { messageId, copies } = await sendTracked(rig, s, ['gus@gmail.com', 'hal@yahoo.com']);
    await deliveredLongAgo(rig);
    const mark = got.at(-1)?.seq ?? 0;
    await hit(copies.get('gus@gmail.com')!.pixel, GMAIL_PROXY_UA, '66.249.84.12');
    const g = await arrived('the Gmail proxy open', (e) => e.seq > mark && e.recipient === 'gus@gmail.com');
    assert.equal(g.automated, false);
    assert.equal(g.via, 'google-image-proxy');
    assert.equal(g.device ?? null, null);
    assert.equal(g.location ?? null, null);
    await hit(copies.get('hal@yahoo.com')!.pixel, YAHOO_PROXY_UA, '98.136.1.1');
    const y = await arrived('the Yahoo proxy open', (e) => e.seq > mark && e.recipient === 'hal@yahoo.com');
    assert.equal(y.automated, false);
    assert.equal(y.via, 'yahoo-proxy');
    assert.equal(y.device ?? null, null);
    const m = await messageOf(rig, s, messageId);
    assert.equal(copyOf(m, 'gus@gmail.com').signals.opens, 1);
    assert.equal(copyOf(m, 'gus@gmail.com').signals.status, 'opened');
  });

  it('marks a scanner burst from several addresses within 30 s, earlier hits included (burst)', async () => {
    const { messageId, copies } = await sendTracked(rig, s, ['ivy@acme.com']);
    await deliveredLongAgo(rig);
    const ivy = copies.get('ivy@acme.com')!;
    const mark = got.at(-1)?.seq ?? 0;
    const clicks = () => got.filter((e) => e.seq > mark && e.type === 'click');
    for (const [i, ip] of ['40.94.1.1', '40.94.1.2', '40.94.1.3'].entries()) {
      const res = await hit(ivy.clicks.get(1)!, DESKTOP_UA, ip);
      assert.equal(res.status, 302);
      // Each stored before the next arrives, as a scanner's requests a moment apart.
      await eventually(() => clicks().length > i, WAIT, `click ${i + 1} in the feed`);
    }
    const third = await eventually(
      () => got.filter((e) => e.seq > mark && e.type === 'click')[2],
      WAIT,
      'three clicks in the feed',
    );
    assert.equal(third.automated, true);
    assert.equal(third.automatedReason, 'burst');
    const c = copyOf(await messageOf(rig, s, messageId), 'ivy@acme.com');
    assert.equal(c.signals.clicks, 0, 'the first two clicks were re-judged with the burst');
    assert.deepEqual(c.signals.machine, { count: 3, reasons: { burst: 3 } });
    assert.ok(c.events.every((e) => e.automated && e.automatedReason === 'burst'));
  });

  it('marks the honeypot hit and its window; headless and library agents and hits at delivery are machines', async () => {
    const { messageId, copies } = await sendTracked(rig, s, ['jon@acme.com', 'kim@acme.com']);
    await deliveredLongAgo(rig);
    const jon = copies.get('jon@acme.com')!;
    assert.match(
      jon.html,
      /<a href="[^"]+\/e\/[^"]+\/0" style="display:none;[^"]*" tabindex="-1" aria-hidden="true"><\/a>/,
    );
    const mark = got.at(-1)?.seq ?? 0;
    const jons = () => got.filter((e) => e.seq > mark && e.recipient === 'jon@acme.com');
    for (const [i, url] of [jon.clicks.get(2)!, jon.clicks.get(0)!, jon.pixel].entries()) {
      await hit(url, DESKTOP_UA, '52.1.1.1');
      await eventually(() => jons().length > i, WAIT, `jon's event ${i + 1}`);
    }
    const after = await eventually(
      () => got.filter((e) => e.seq > mark && e.recipient === 'jon@acme.com')[2],
      WAIT,
      "jon's three events",
    );
    const honey = got.find((e) => e.seq > mark && e.type === 'click' && e.recipient === 'jon@acme.com' && !e.linkText)!;
    assert.equal(honey.automatedReason, 'honeypot');
    assert.equal(after.type, 'email_open');
    assert.equal(after.automated, true, 'an open in the window after a honeypot hit is a machine');
    assert.equal(after.automatedReason, 'honeypot');
    const j = copyOf(await messageOf(rig, s, messageId), 'jon@acme.com');
    assert.equal(j.signals.clicks + j.signals.opens, 0, 'the click just before the honeypot hit was re-judged');
    assert.equal(j.signals.machine.reasons.honeypot, 3);

    const kim = copies.get('kim@acme.com')!;
    const mark2 = got.at(-1)?.seq ?? 0;
    const kims = () => got.filter((e) => e.seq > mark2 && e.recipient === 'kim@acme.com');
    await hit(kim.pixel, HEADLESS_UA, '198.51.100.60');
    await eventually(() => kims().length >= 1, WAIT, "kim's first machine open");
    await hit(kim.pixel, 'python-requests/2.31.0', '198.51.100.60');
    await eventually(() => kims().length >= 2, WAIT, "kim's two machine opens");
    const two = kims();
    assert.deepEqual(
      two.map((e) => e.automatedReason),
      ['headless', 'link_scanner'],
    );

    const fresh = await sendTracked(rig, s, ['lou@acme.com']);
    const mark3 = got.at(-1)?.seq ?? 0;
    await hit(fresh.copies.get('lou@acme.com')!.pixel, DESKTOP_UA, '198.51.100.61');
    const soon = await arrived('the open at delivery', (e) => e.seq > mark3 && e.recipient === 'lou@acme.com');
    assert.equal(soon.automated, true);
    assert.equal(soon.automatedReason, 'too_soon_after_delivery');
  });

  it('leaves the HTML untouched when the sender turned mail tracking off', async () => {
    const quiet = await rig.t.sender();
    await rig.t.app.accounts.setMailTracking(quiet.id, false);
    const before = rig.sink.received.length;
    await sendTracked(rig, quiet, ['max@acme.com']).catch(() => undefined);
    const copy = rig.sink.received.slice(before).find((r) => r.to[0] === 'max@acme.com');
    assert.ok(copy, 'the copy was delivered');
    assert.doesNotMatch(copy.raw, /\/e\/[A-Za-z0-9_-]{32}\//, 'no pixel, no click redirect');
    assert.match(copy.raw, /https:\/\/example\.com\/pricing/);
  });
});
