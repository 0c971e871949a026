// The /viewer namespace with real socket.io clients: visits, validated page events, floods, forgery, revocation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { ActivityEvent } from '../../server/realtime/protocol.ts';
import { createLink, startApp, uploadReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { makePdf } from '../helpers/pdf.ts';
import { collect, connectError, feed, once, pageView, started, viewer, type FeedClient } from '../helpers/sockets.ts';
import { eventually } from '../helpers/wait.ts';

let t: TestApp;
let alice: TestSender;
let bob: TestSender;
let docId: string;
const open: { close(): void }[] = [];
const track = <T extends { close(): void }>(s: T) => (open.push(s), s);

const newLink = (body: object = { recipient: 'reader@example.org' }) => createLink(t, alice.token, docId, body);

before(async () => {
  t = await startApp({ VIEWER_EVENTS_PER_10S: '40' });
  alice = await t.sender();
  bob = await t.sender();
  docId = await uploadReady(t, alice.token, makePdf(5), 'Deck.pdf');
});
after(async () => {
  for (const s of open) s.close();
  await t.close();
});

describe('viewer socket', () => {
  let aliceFeed: FeedClient;
  let bobFeed: FeedClient;
  let aliceGot: ActivityEvent[];
  let bobGot: ActivityEvent[];
  before(async () => {
    aliceFeed = track(feed(t.url, { token: alice.token }));
    bobFeed = track(feed(t.url, { token: bob.token }));
    aliceGot = collect(aliceFeed);
    bobGot = collect(bobFeed);
    await Promise.all([once(aliceFeed as never, 'connect'), once(bobFeed as never, 'connect')]);
  });

  it('starts a visit (open event, enriched) and stores page events before acknowledging them', async () => {
    const link = await newLink();
    const v = track(viewer(t.url, { token: link.token }));
    const visit = await started(v);
    assert.equal(visit.pageCount, 5);
    assert.match(visit.visitId, /^vis_/);
    await eventually(
      () => aliceGot.some((e) => e.type === 'open' && e.visitId === visit.visitId),
      30_000,
      'open on feed',
    );
    const openEv = aliceGot.find((e) => e.type === 'open' && e.visitId === visit.visitId)!;
    assert.equal(openEv.recipient, 'reader@example.org');
    assert.equal(openEv.device?.type, 'desktop');
    assert.match(String(openEv.device?.browser), /Chrome/);
    assert.equal(openEv.location, undefined, 'loopback has no location');
    assert.equal(openEv.automated, false);

    const ack = await pageView(v, { id: crypto.randomUUID(), page: 1, durationMs: 0 });
    assert.ok('data' in ack && ack.data.seq > openEv.seq);
    const stored = await t.db
      .selectFrom('events')
      .selectAll()
      .where('visit_id', '=', visit.visitId)
      .where('type', '=', 'page_view')
      .execute();
    assert.equal(stored.length, 1, 'stored before the ack');
    await eventually(
      () => aliceGot.some((e) => e.type === 'page_view' && e.visitId === visit.visitId),
      30_000,
      'page_view on feed',
    );
    assert.equal(bobGot.length, 0, "another sender's feed receives nothing");
  });

  it('refuses forged events with a clear error and stores none of them', async () => {
    const link = await newLink();
    const v = track(viewer(t.url, { token: link.token }));
    const visit = await started(v);
    const id = () => crypto.randomUUID();
    const cases: [unknown, string][] = [
      [{ id: id(), page: 0, durationMs: 0 }, 'invalid_event'],
      [{ id: id(), page: 6, durationMs: 0 }, 'invalid_page'],
      [{ id: id(), page: 1.5, durationMs: 0 }, 'invalid_event'],
      [{ id: id(), page: 2, durationMs: -5 }, 'invalid_event'],
      [{ id: id(), page: 2, durationMs: 3_600_000 }, 'invalid_duration'],
      [{ id: id(), page: 2, durationMs: 0, documentId: 'doc_other', visitId: 'vis_other' }, 'invalid_event'],
      [{ id: '<script>', page: 2, durationMs: 0 }, 'invalid_event'],
      ['page 2', 'invalid_event'],
      [null, 'invalid_event'],
    ];
    for (const [input, code] of cases) {
      const r = await pageView(v, input);
      assert.ok('error' in r, JSON.stringify(input));
      assert.equal(r.error.code, code, JSON.stringify(input));
    }
    const rows = await t.db
      .selectFrom('events')
      .select('id')
      .where('visit_id', '=', visit.visitId)
      .where('type', '=', 'page_view')
      .execute();
    assert.equal(rows.length, 0);
  });

  it('bounds durations by wall time across events', async () => {
    const link = await newLink();
    const v = track(viewer(t.url, { token: link.token }));
    await started(v);
    await new Promise((r) => setTimeout(r, 300));
    const ok = await pageView(v, { id: crypto.randomUUID(), page: 1, durationMs: 300 });
    assert.ok('data' in ok);
    const tooMuch = await pageView(v, { id: crypto.randomUUID(), page: 1, durationMs: 6000 });
    assert.ok('error' in tooMuch && tooMuch.error.code === 'invalid_duration');
  });

  it('stores a re-sent event once (same client id)', async () => {
    const link = await newLink();
    const v = track(viewer(t.url, { token: link.token }));
    const visit = await started(v);
    const ev = { id: crypto.randomUUID(), page: 3, durationMs: 0 };
    const a = await pageView(v, ev);
    const b = await pageView(v, ev);
    assert.ok('data' in a && 'data' in b);
    assert.equal(a.data.duplicate, false);
    assert.equal(b.data.duplicate, true);
    assert.equal(a.data.seq, b.data.seq);
    const rows = await t.db
      .selectFrom('events')
      .select('id')
      .where('visit_id', '=', visit.visitId)
      .where('client_id', '=', ev.id)
      .execute();
    assert.equal(rows.length, 1);
  });

  it('rate-limits a flood per socket', async () => {
    const link = await newLink();
    const v = track(viewer(t.url, { token: link.token }));
    await started(v);
    const replies = await Promise.all(
      Array.from({ length: 100 }, () => pageView(v, { id: crypto.randomUUID(), page: 1, durationMs: 0 })),
    );
    const limited = replies.filter((r) => 'error' in r && r.error.code === 'rate_limited').length;
    const accepted = replies.filter((r) => 'data' in r).length;
    assert.ok(limited >= 50, `limited ${limited}`);
    assert.ok(accepted >= 30 && accepted <= 45, `accepted ${accepted}`);
  });

  it('drops a socket that sends an oversized frame; the server keeps serving', async () => {
    const link = await newLink();
    const v = track(viewer(t.url, { token: link.token }));
    await started(v);
    const gone = once(v as never, 'disconnect');
    (v as unknown as { emit(e: string, d: unknown): void }).emit('page:view', {
      id: crypto.randomUUID(),
      page: 1,
      durationMs: 0,
      pad: 'x'.repeat(100_000),
    });
    await gone;
    await request(t.url).get('/healthz').expect(200);
  });

  it('refuses bad tokens at the handshake', async () => {
    for (const token of ['nope', 'A'.repeat(32), '']) {
      const v = track(viewer(t.url, { token }));
      const err = await connectError(v as never);
      assert.equal(err.data?.code, 'link_unavailable');
    }
    const f = track(feed(t.url, { token: 'pt_forged' }));
    assert.equal((await connectError(f as never)).data?.code, 'unauthorized');
    const f2 = track(feed(t.url, {}));
    assert.equal((await connectError(f2 as never)).data?.code, 'unauthorized');
  });

  it('disconnects live viewers when their link is revoked and refuses them after', async () => {
    const link = await newLink();
    const other = await newLink();
    const v = track(viewer(t.url, { token: link.token }));
    const w = track(viewer(t.url, { token: other.token }));
    await Promise.all([started(v), started(w)]);
    const revoked = once(v as never, 'link:revoked');
    const dropped = once(v as never, 'disconnect');
    await request(t.url).delete(`/api/links/${link.id}`).set('authorization', `Bearer ${alice.token}`).expect(204);
    await revoked;
    await dropped;
    assert.equal(w.connected, true, 'other links stay connected');
    const again = track(viewer(t.url, { token: link.token }));
    assert.equal((await connectError(again as never)).data?.code, 'link_unavailable');
  });

  it('continues a visit after a reconnect, without a second open', async () => {
    const link = await newLink();
    const v = track(viewer(t.url, { token: link.token }));
    const visit = await started(v);
    v.close();
    const v2 = track(viewer(t.url, { token: link.token, visitId: visit.visitId }));
    assert.equal((await started(v2)).visitId, visit.visitId);
    const opens = await t.db
      .selectFrom('events')
      .select('id')
      .where('visit_id', '=', visit.visitId)
      .where('type', '=', 'open')
      .execute();
    assert.equal(opens.length, 1);
    // A visit id from another link is not continued.
    const v3 = track(viewer(t.url, { token: (await newLink()).token, visitId: visit.visitId }));
    assert.notEqual((await started(v3)).visitId, visit.visitId);
  });
});

describe('beacon and download', () => {
  it('stores the last dwell time sent by sendBeacon, with the same validation', async () => {
    const link = await newLink();
    const v = track(viewer(t.url, { token: link.token }));
    const visit = await started(v);
    await new Promise((r) => setTimeout(r, 200));
    const id = crypto.randomUUID();
    await request(link.url)
      .post('/beacon')
      .set('content-type', 'text/plain')
      .send(JSON.stringify({ visitId: visit.visitId, events: [{ id, page: 2, durationMs: 150 }] }))
      .expect(204);
    await request(link.url)
      .post('/beacon')
      .set('content-type', 'application/json')
      .send({ visitId: visit.visitId, events: [{ id, page: 2, durationMs: 150 }] })
      .expect(204);
    const rows = await t.db
      .selectFrom('events')
      .selectAll()
      .where('visit_id', '=', visit.visitId)
      .where('type', '=', 'page_view')
      .execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.duration_ms, 150);
    assert.equal(
      (
        await request(link.url)
          .post('/beacon')
          .send({ visitId: visit.visitId, events: [{ id: crypto.randomUUID(), page: 99, durationMs: 1 }] })
      ).status,
      400,
    );
    assert.equal(
      (
        await request(link.url)
          .post('/beacon')
          .send({ visitId: 'vis_AAAAAAAAAAAAAAAAAAAAAA', events: [{ id, page: 1, durationMs: 1 }] })
      ).status,
      404,
    );
    assert.equal(
      (await request(link.url).post('/beacon').set('content-type', 'application/json').send('{')).status,
      400,
    );
  });

  it('records a download on the visit, once per download', async () => {
    const link = await newLink();
    const v = track(viewer(t.url, { token: link.token }));
    const visit = await started(v);
    await request(link.url).get(`/download?visit=${visit.visitId}`).expect(200);
    const rows = await t.db
      .selectFrom('events')
      .selectAll()
      .where('visit_id', '=', visit.visitId)
      .where('type', '=', 'download')
      .execute();
    assert.equal(rows.length, 1);
  });
});

describe('forwarded addresses', () => {
  it('believes X-Forwarded-For only with TRUST_PROXY, the entry its one trusted hop appended', async () => {
    const link = await newLink();
    const v = track(viewer(t.url, { token: link.token }, { 'x-forwarded-for': '81.2.69.142' }));
    const visit = await started(v);
    const row = await t.db
      .selectFrom('visits')
      .select('location')
      .where('id', '=', visit.visitId)
      .executeTakeFirstOrThrow();
    assert.equal(row.location, null, 'header ignored without TRUST_PROXY');

    const proxied = await startApp({ TRUST_PROXY: 'true' });
    try {
      const s = await proxied.sender();
      const docId = await uploadReady(proxied, s.token, makePdf(1), 'a.pdf');
      const l = await createLink(proxied, s.token, docId);
      // TRUST_PROXY=true is one proxy: the client is the rightmost entry (what that proxy appended), not what the
      // client itself put first.
      const w = track(viewer(proxied.url, { token: l.token }, { 'x-forwarded-for': '10.0.0.1, 81.2.69.142' }));
      const vis = await started(w);
      w.close();
      const r = await proxied.db
        .selectFrom('visits')
        .select('location')
        .where('id', '=', vis.visitId)
        .executeTakeFirstOrThrow();
      assert.equal(JSON.parse(String(r.location)).country, 'GB');
    } finally {
      await proxied.close();
    }
  });
});

describe('expiry while reading', () => {
  it('stops taking events once the link expires and drops the socket', async () => {
    const link = await newLink({ expiresAt: new Date(Date.now() + 1500).toISOString() });
    const v = track(viewer(t.url, { token: link.token }));
    await started(v);
    const ok = await pageView(v, { id: crypto.randomUUID(), page: 1, durationMs: 0 });
    assert.ok('data' in ok);
    await new Promise((r) => setTimeout(r, 1600));
    const revoked = once(v as never, 'link:revoked');
    const late = await pageView(v, { id: crypto.randomUUID(), page: 1, durationMs: 100 });
    assert.ok('error' in late && late.error.code === 'link_expired');
    await revoked;
  });
});
