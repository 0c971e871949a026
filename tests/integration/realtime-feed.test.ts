// The /feed namespace: replay after a seq then live (nothing missed, nothing twice), presence, analytics.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Presence } from '../../server/realtime/protocol.ts';
import { createLink, startApp, uploadReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { makePdf } from '../helpers/pdf.ts';
import { collect, feed, once, pageView, started, viewer } from '../helpers/sockets.ts';
import { eventually } from '../helpers/wait.ts';

let t: TestApp;
let alice: TestSender;
let docId: string;
const open: { close(): void }[] = [];
const track = <T extends { close(): void }>(s: T) => (open.push(s), s);

const newLink = (recipient = 'reader@example.org') => createLink(t, alice.token, docId, { recipient });

before(async () => {
  t = await startApp({ VIEWER_EVENTS_PER_10S: '10000' });
  alice = await t.sender();
  docId = await uploadReady(t, alice.token, makePdf(3), 'Plan.pdf');
});
after(async () => {
  for (const s of open) s.close();
  await t.close();
});

describe('feed replay', () => {
  it('sends exactly the stored events after `after`, in order, then live ones', async () => {
    const link = await newLink();
    const v = track(viewer(t.url, { token: link.token }));
    await started(v);
    for (let i = 0; i < 30; i++) await pageView(v, { id: crypto.randomUUID(), page: 1 + (i % 3), durationMs: 0 });
    const all = (
      await request(t.url)
        .get(`/api/documents/${docId}/events`)
        .set('authorization', `Bearer ${alice.token}`)
        .expect(200)
    ).body.events;
    const cut = all[9].seq;
    const f = track(feed(t.url, { token: alice.token, after: cut }));
    const got = collect(f);
    // Live events keep coming while the replay runs.
    const live = (async () => {
      for (let i = 0; i < 20; i++) await pageView(v, { id: crypto.randomUUID(), page: 2, durationMs: 0 });
    })();
    await live;
    const total = (
      await request(t.url)
        .get(`/api/documents/${docId}/events`)
        .set('authorization', `Bearer ${alice.token}`)
        .expect(200)
    ).body.events;
    const expected = total.filter((e: { seq: number }) => e.seq > cut).map((e: { seq: number }) => e.seq);
    await eventually(() => got.length >= expected.length, 30_000, 'all events');
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      got.map((e) => e.seq),
      expected,
    );
  });

  it('replays more than one page of stored events', async () => {
    const link = await newLink();
    const v = track(viewer(t.url, { token: link.token }));
    await started(v);
    await Promise.all(
      Array.from({ length: 1200 }, (_, i) =>
        pageView(v, { id: crypto.randomUUID(), page: 1 + (i % 3), durationMs: 0 }),
      ),
    );
    const f = track(feed(t.url, { token: alice.token, after: 0 }));
    const got = collect(f);
    const [{ n }] = (await t.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sender_id', '=', alice.id)
      .execute()) as [{ n: number }];
    await eventually(() => got.length >= Number(n), 30_000, 'full replay');
    const seqs = got.map((e) => e.seq);
    assert.equal(new Set(seqs).size, seqs.length, 'no duplicates');
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
    );
    assert.equal(seqs[0], 1);
  });

  it('seq increases per sender across documents and event types', async () => {
    const rows = await t.db
      .selectFrom('events')
      .select('seq')
      .where('sender_id', '=', alice.id)
      .orderBy('seq')
      .execute();
    rows.forEach((r, i) => assert.equal(Number(r.seq), i + 1));
  });
});

describe('presence', () => {
  it('shows who is reading now, their page, and drops them when they leave', async () => {
    const f = track(feed(t.url, { token: alice.token }));
    const snapshot = once<Presence[]>(f as never, 'presence:snapshot');
    await once(f as never, 'connect');
    await snapshot;
    const updates: Presence[] = [];
    (f as never as { on(e: string, cb: (p: Presence) => void): void }).on('presence:update', (p) => updates.push(p));
    const link = await newLink('presence@example.org');
    const v = track(viewer(t.url, { token: link.token }));
    const visit = await started(v);
    await eventually(() => updates.some((p) => p.visitId === visit.visitId), 30_000, 'presence join');
    await pageView(v, { id: crypto.randomUUID(), page: 2, durationMs: 0 });
    await eventually(() => updates.some((p) => p.visitId === visit.visitId && p.page === 2), 30_000, 'presence page');
    const left = once<string>(f as never, 'presence:leave');
    v.close();
    assert.equal(await left, visit.visitId);
  });
});

describe('analytics', () => {
  it("adds up page time per page and leaves out the sender's own and automated views", async () => {
    const statsId = await uploadReady(t, alice.token, makePdf(3), 'Stats.pdf');
    const mk = async (recipient: string) => (await createLink(t, alice.token, statsId, { recipient })).token;
    await new Promise((r) => setTimeout(r, 1200));
    const human = track(viewer(t.url, { token: await mk('h@example.org') }));
    await started(human);
    await new Promise((r) => setTimeout(r, 1100));
    for (const [page, ms] of [
      [1, 400],
      [1, 300],
      [2, 200],
    ] as const)
      await pageView(human, { id: crypto.randomUUID(), page, durationMs: ms });

    const bot = track(
      viewer(t.url, { token: await mk('b@example.org') }, { 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1)' }),
    );
    await started(bot);
    await pageView(bot, { id: crypto.randomUUID(), page: 1, durationMs: 0 });

    const agent = request.agent(t.url);
    const signIn = await agent.post('/api/session').send({ email: alice.email, password: alice.password }).expect(200);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
    const self = track(viewer(t.url, { token: await mk('self@example.org') }, { cookie }));
    await started(self);
    await pageView(self, { id: crypto.randomUUID(), page: 3, durationMs: 0 });

    const a = (
      await request(t.url)
        .get(`/api/documents/${statsId}/analytics`)
        .set('authorization', `Bearer ${alice.token}`)
        .expect(200)
    ).body;
    assert.equal(a.visits, 1);
    assert.equal(a.uniqueViewers, 1);
    assert.equal(a.totalMs, 900);
    assert.deepEqual(a.pages, [
      { page: 1, totalMs: 700, visits: 1 },
      { page: 2, totalMs: 200, visits: 1 },
      { page: 3, totalMs: 0, visits: 0 },
    ]);
    const events = (
      await request(t.url)
        .get(`/api/documents/${statsId}/events`)
        .set('authorization', `Bearer ${alice.token}`)
        .expect(200)
    ).body.events;
    assert.ok(events.some((e: { automated: boolean }) => e.automated));
    assert.ok(events.some((e: { self: boolean }) => e.self));
    const visits = (
      await request(t.url)
        .get(`/api/documents/${statsId}/visits`)
        .set('authorization', `Bearer ${alice.token}`)
        .expect(200)
    ).body.visits;
    const hv = visits.find((x: { recipient: string }) => x.recipient === 'h@example.org');
    assert.equal(hv.totalMs, 900);
    assert.equal(hv.pagesViewed, 2);
    assert.equal(hv.lastPage, 2);
  });
});
