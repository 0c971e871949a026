// Document analytics, the visits list's filters, the recipient timeline and the CSV exports agree with the stored
// events on one data set read by real socket.io viewers (two recipients' browsers, a public link, the sender's
// own view, a crawler); ?include= brings the left-out views back; another sender sees nothing of it. Runs on
// the configured database (SQLite, or PostgreSQL with DATABASE_URL).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Analytics, RecipientListJson, RecipientTimeline, VisitSummary } from '../../server/api-types.ts';
import type { ActivityEvent } from '../../server/realtime/protocol.ts';
import { createLink, startApp, uploadReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { makePdf } from '../helpers/pdf.ts';
import { pageView, started, viewer } from '../helpers/sockets.ts';
import { eventually } from '../helpers/wait.ts';
import { sessionCookie, viewerCookie } from '../helpers/webhook-receiver.ts';

let t: TestApp;
let alice: TestSender;
let mallory: TestSender;
let docId: string;
const PAGES = 4;
const visitIds: Record<string, string> = {};

/** Opens a visit, lets the pages' time pass, then reports it page by page (arrival, then time spent). */
async function read(token: string, headers: Record<string, string>, pages: [number, number][]): Promise<string> {
  const v = viewer(t.url, { token }, headers);
  const { visitId } = await started(v);
  await new Promise((r) => setTimeout(r, pages.reduce((a, [, ms]) => a + ms, 0) + 100));
  for (const [i, [page, ms]] of pages.entries()) {
    for (const durationMs of [0, ms]) {
      const reply = await pageView(v, { id: `${visitId}-${i}-${durationMs}`, page, durationMs });
      assert.ok('data' in reply, `page ${page} of ${visitId} stored: ${JSON.stringify(reply)}`);
    }
  }
  v.close();
  return visitId;
}

const api = async <T>(path: string, token = alice.token): Promise<{ status: number; body: T }> => {
  const res = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  return {
    status: res.status,
    body: (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T,
  };
};

before(async () => {
  t = await startApp({ TRUST_PROXY: 'loopback', VISIT_REUSE_MINUTES: '0' });
  alice = await t.sender();
  mallory = await t.sender();
  docId = await uploadReady(t, alice.token, makePdf(PAGES), 'Proposal.pdf');
  const ann = await createLink(t, alice.token, docId, { recipient: 'Ann@Example.org' });
  const open = await createLink(t, alice.token, docId);
  const annHome = {
    'x-forwarded-for': '8.8.8.8',
    cookie: await viewerCookie(ann.url, { 'x-forwarded-for': '8.8.8.8' }),
  };
  visitIds.ann1 = await read(ann.token, annHome, [
    [1, 400],
    [2, 300],
    [3, 200],
  ]);
  // A second browser somewhere else on Ann's link: probably forwarded.
  const elsewhere = {
    'x-forwarded-for': '1.1.1.1',
    cookie: await viewerCookie(ann.url, { 'x-forwarded-for': '1.1.1.1' }),
  };
  visitIds.ann2 = await read(ann.token, elsewhere, [[1, 250]]);
  visitIds.open = await read(open.token, { 'x-forwarded-for': '81.20.0.1' }, [
    [1, 100],
    [2, 100],
    [3, 100],
    [4, 150],
  ]);
  const cookie = await sessionCookie(t.url, alice.email, alice.password);
  visitIds.self = await read(open.token, { cookie }, [[2, 300]]);
  visitIds.bot = await read(ann.token, { 'user-agent': 'curl/8.5.0' }, [[4, 200]]);
  // Each visit's last contact is stored when its reader leaves.
  await eventually(
    async () => {
      const rows = await t.db.selectFrom('visits').select('last_seen_at').where('document_id', '=', docId).execute();
      return rows.length === 5 && rows.every((r) => r.last_seen_at);
    },
    20_000,
    'five stored visits',
  );
});
after(() => t?.close());

/** What the events say, for the visits `keep` selects. */
async function fromEvents(keep: (e: ActivityEvent) => boolean) {
  const { body } = await api<{ events: ActivityEvent[] }>(`/api/documents/${docId}/events`);
  const views = body.events.filter((e) => e.type === 'page_view' && keep(e));
  const opened = new Set(body.events.filter((e) => e.type === 'open' && keep(e)).map((e) => e.visitId));
  const perVisit = new Map<string, { ms: number; pages: Set<number>; last: number; lastSeq: number }>();
  const pages = Array.from({ length: PAGES }, (_, i) => ({ page: i + 1, totalMs: 0, visits: new Set<string>() }));
  for (const e of views) {
    const v = perVisit.get(e.visitId!) ?? { ms: 0, pages: new Set(), last: 0, lastSeq: -1 };
    v.ms += e.durationMs ?? 0;
    v.pages.add(e.page!);
    if (e.seq > v.lastSeq) Object.assign(v, { last: e.page!, lastSeq: e.seq });
    perVisit.set(e.visitId!, v);
    pages[e.page! - 1]!.totalMs += e.durationMs ?? 0;
    pages[e.page! - 1]!.visits.add(e.visitId!);
  }
  return {
    visits: opened.size,
    perVisit,
    pages: pages.map((p) => ({ page: p.page, totalMs: p.totalMs, visits: p.visits.size })),
    totalMs: views.reduce((a, e) => a + (e.durationMs ?? 0), 0),
  };
}

const human = (e: ActivityEvent) => !e.self && !e.automated;

describe('document analytics', () => {
  it('agrees with the stored events, leaving out the sender’s own and automated views', async () => {
    const { status, body: a } = await api<Analytics>(`/api/documents/${docId}/analytics`);
    assert.equal(status, 200);
    const truth = await fromEvents(human);
    assert.equal(truth.visits, 3, 'three human visits were stored');
    assert.equal(a.visits, truth.visits);
    assert.equal(a.uniqueViewers, 2, 'Ann (by her address, both browsers) and one public-link browser');
    assert.deepEqual(a.pages, truth.pages);
    assert.equal(a.totalMs, truth.totalMs);
    assert.equal(a.totalMs, 400 + 300 + 200 + 250 + 100 + 100 + 100 + 150);
    assert.equal(a.averageMs, Math.round(truth.totalMs / 3));
    const seen = [...truth.perVisit.values()].map((v) => v.pages.size / PAGES);
    assert.ok(Math.abs(a.completion - seen.reduce((x, y) => x + y, 0) / seen.length) < 1e-9);
    const stops = new Map<number, number>();
    for (const v of truth.perVisit.values()) stops.set(v.last, (stops.get(v.last) ?? 0) + 1);
    assert.deepEqual(
      a.dropOff,
      truth.pages.map((p) => ({ page: p.page, stopped: stops.get(p.page) ?? 0 })),
    );
    const today = new Date().toISOString().slice(0, 10);
    assert.deepEqual(a.overTime, [{ day: today, visits: 3 }]);
    assert.deepEqual(a.devices, [{ name: 'desktop', visits: 3 }]);
    assert.equal(
      a.browsers.reduce((n, b) => n + b.visits, 0),
      3,
    );
    assert.ok(a.places.length > 0, 'the public addresses were placed');
    for (const p of a.places) assert.ok(Number.isFinite(p.lat) && Number.isFinite(p.lon), JSON.stringify(p));
    assert.ok(a.places.reduce((n, p) => n + p.visits, 0) <= 3);
    const ann = truth.perVisit.get(visitIds.ann1!)!;
    const ann2 = truth.perVisit.get(visitIds.ann2!)!;
    assert.deepEqual(
      a.recipients.map(({ lastAt, ...r }) => r),
      [
        {
          recipient: 'Ann@Example.org',
          visits: 2,
          totalMs: ann.ms + ann2.ms,
          pagesSeen: new Set([...ann.pages, ...ann2.pages]).size,
          lastPage: ann2.last,
          forwarded: true,
        },
      ],
    );
    assert.deepEqual(a.included, { self: false, automated: false });
  });

  it('counts the sender’s own and automated views when ?include= asks', async () => {
    const all = (await api<Analytics>(`/api/documents/${docId}/analytics?include=self,automated`)).body;
    const truth = await fromEvents(() => true);
    assert.equal(all.visits, 5);
    assert.deepEqual(all.pages, truth.pages);
    assert.deepEqual(all.included, { self: true, automated: true });
    const withSelf = (await api<Analytics>(`/api/documents/${docId}/analytics?include=self`)).body;
    assert.equal(withSelf.visits, 4);
    assert.deepEqual(withSelf.pages, (await fromEvents((e) => !e.automated)).pages);
    assert.ok(
      all.devices.some((d) => d.name === 'bot'),
      'the crawler counts as a bot device',
    );
    assert.equal((await api(`/api/documents/${docId}/analytics?include=everyone`)).status, 422);
  });

  it('answers the CSV exports with the same numbers', async () => {
    const a = (await api<Analytics>(`/api/documents/${docId}/analytics`)).body;
    const pagesCsv = (await api<string>(`/api/documents/${docId}/pages.csv`)).body.trim().split('\r\n');
    assert.deepEqual(
      pagesCsv.slice(1).map((line) => line.split(',').map(Number)),
      a.pages.map((p) => [p.page, p.totalMs, p.visits]),
      pagesCsv[0],
    );
    const truth = await fromEvents(() => true);
    const visitsCsv = (await api<string>(`/api/documents/${docId}/visits.csv`)).body.trim().split('\r\n');
    const header = visitsCsv[0]!.split(',');
    const rows = visitsCsv.slice(1).map((l) => Object.fromEntries(l.split(',').map((c, i) => [header[i], c])));
    assert.equal(rows.length, 5);
    for (const r of rows) {
      const v = truth.perVisit.get(r.visit_id!)!;
      assert.equal(Number(r.duration_ms), v.ms, `time of ${r.visit_id}`);
      assert.equal(Number(r.pages_viewed), v.pages.size, `pages of ${r.visit_id}`);
      assert.equal(Number(r.last_page), v.last, `last page of ${r.visit_id}`);
    }
  });
});

describe('visits list filters', () => {
  const ids = async (query: string) =>
    (await api<{ visits: VisitSummary[] }>(`/api/documents/${docId}/visits?${query}`)).body.visits.map((v) => v.id);

  it('filters by recipient, device, country and kind of reader', async () => {
    assert.equal((await ids('')).length, 5, 'every visit, flagged, without filters');
    assert.deepEqual(await ids('recipient=ann@example.org&include='), [visitIds.ann2, visitIds.ann1]);
    assert.deepEqual(
      new Set(await ids('recipient=ann@example.org')),
      new Set([visitIds.ann1, visitIds.ann2, visitIds.bot]),
    );
    assert.deepEqual(await ids('device=bot'), [visitIds.bot]);
    assert.deepEqual(
      new Set(await ids('include=self')),
      new Set([visitIds.ann1, visitIds.ann2, visitIds.open, visitIds.self]),
    );
    const us = (await api<{ visits: VisitSummary[] }>(`/api/documents/${docId}/visits`)).body.visits.filter(
      (v) => v.location?.country === 'US',
    );
    assert.ok(us.length > 0, 'a visit from 8.8.8.8 is placed in the US');
    assert.deepEqual(
      await ids('country=us'),
      us.map((v) => v.id),
    );
    assert.equal((await api(`/api/documents/${docId}/visits?device=toaster`)).status, 422);
  });
});

describe('recipient timeline', () => {
  it('tells what Ann did, newest first, each visit in one sentence', async () => {
    const { status, body } = await api<RecipientTimeline>('/api/recipients/ann%40example.org/timeline');
    assert.equal(status, 200);
    assert.equal(body.recipient, 'ann@example.org');
    assert.deepEqual(body.summary, {
      visits: 2,
      totalMs: 400 + 300 + 200 + 250,
      documents: 1,
      emailOpens: 0,
      clicks: 0,
      replies: 0,
      forwards: 1,
    });
    assert.deepEqual(body.items.map((i) => i.kind).sort(), ['forward', 'visit', 'visit'], JSON.stringify(body.items));
    const at = body.items.map((i) => i.at);
    assert.deepEqual(at, [...at].sort().reverse(), 'newest first');
    const first = body.items.find((i) => i.kind === 'visit' && i.durationMs === 900)!;
    assert.match(first.text, /^Opened Proposal\.pdf on Mac( in [^,]+)?, read 3 of 4 pages for 1 s, stopped at page 3$/);
    assert.equal(first.documentId, docId);
    assert.match(body.items.find((i) => i.kind === 'forward')!.text, /^Probably forwarded Proposal\.pdf/);
    const withBot = (await api<RecipientTimeline>('/api/recipients/ann@example.org/timeline?include=automated')).body;
    assert.equal(withBot.summary.visits, 3);
  });

  it('lists the sender’s recipients with their summaries', async () => {
    const { body } = await api<RecipientListJson>('/api/recipients');
    const ann = body.recipients.find((r) => r.recipient === 'ann@example.org');
    assert.ok(ann, JSON.stringify(body));
    assert.equal(ann.visits, 2);
    assert.equal(ann.forwards, 1);
  });

  it('shows another sender nothing: 404 on the document, an empty timeline and list', async () => {
    assert.equal((await api(`/api/documents/${docId}/analytics`, mallory.token)).status, 404);
    assert.equal((await api(`/api/documents/${docId}/visits?recipient=ann@example.org`, mallory.token)).status, 404);
    const tl = await api<RecipientTimeline>('/api/recipients/ann@example.org/timeline', mallory.token);
    assert.equal(tl.status, 200);
    assert.deepEqual(tl.body.items, []);
    assert.equal(tl.body.summary.visits, 0);
    assert.deepEqual((await api<RecipientListJson>('/api/recipients', mallory.token)).body.recipients, []);
    assert.equal((await api('/api/recipients/not-an-address/timeline')).status, 422);
  });
});
