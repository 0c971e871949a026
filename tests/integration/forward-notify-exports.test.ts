// Forward detection (a second browser in another place, via TRUST_PROXY and X-Forwarded-For on loopback),
// returning visits, notification emails to a real SMTP sink (one per visit, none for self or automated, the
// switches), and exports whose numbers agree with the analytics and the stored events.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import type { ActivityEvent } from '../../server/realtime/protocol.ts';
import { createLink, startApp, uploadReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { makePdf } from '../helpers/pdf.ts';
import { startSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { collect, feed, once, pageView, started, viewer } from '../helpers/sockets.ts';
import { eventually } from '../helpers/wait.ts';
import { sessionCookie, viewerCookie } from '../helpers/webhook-receiver.ts';

let t: TestApp;
let sink: SmtpSink;
let alice: TestSender;

before(async () => {
  sink = await startSink();
  t = await startApp({
    TRUST_PROXY: 'loopback',
    SMTP_UPSTREAM_URL: sink.url,
    WEBHOOK_POLL_MS: '50',
    VISIT_REUSE_MINUTES: '0.05',
  });
  alice = await t.sender();
});
after(async () => {
  await t?.close();
  await sink?.close();
});

/** One browser: its viewer cookie and its address. */
async function browserAt(linkUrl: string, ip: string) {
  const cookie = await viewerCookie(linkUrl, { 'x-forwarded-for': ip });
  return { cookie, 'x-forwarded-for': ip };
}

async function visit(token: string, headers: Record<string, string>, read: { page: number; ms: number }[] = []) {
  const v = viewer(t.url, { token }, headers);
  const info = await started(v);
  let n = 0;
  for (const r of read) {
    await pageView(v, { id: `${Date.now()}-${n++}`, page: r.page, durationMs: 0 });
    if (r.ms) {
      await new Promise((ok) => setTimeout(ok, r.ms + 50));
      await pageView(v, { id: `${Date.now()}-${n++}`, page: r.page, durationMs: r.ms });
    }
  }
  v.close();
  return info.visitId;
}

const mails = async (kind: string, to: string) => {
  const out = [];
  for (const m of sink.received.filter((r) => r.to.includes(to))) {
    const parsed = await simpleParser(m.raw);
    if (parsed.headers.get('x-pagetrail-notification') === kind) out.push(parsed);
  }
  return out;
};

const eventsOf = async (docId: string) =>
  (
    (await (
      await fetch(`${t.url}/api/documents/${docId}/events`, { headers: { authorization: `Bearer ${alice.token}` } })
    ).json()) as { events: ActivityEvent[] }
  ).events;

describe('forward detection', () => {
  it('flags a second browser in another network, not the same browser back nor a second one nearby', async () => {
    const f = feed(t.url, { token: alice.token });
    const live = collect(f);
    await once(f as never, 'connect');
    const docId = await uploadReady(t, alice.token, makePdf(2), 'Pricing.pdf');
    const link = await createLink(t, alice.token, docId, { recipient: 'ann@example.org' });
    const ann = await browserAt(link.url, '203.0.113.10');
    const first = await visit(link.token, ann);
    // The same browser from another network (a phone moving off wifi) reopens: the same visit, not a forward.
    const again = await visit(link.token, { ...ann, 'x-forwarded-for': '198.51.100.20' });
    assert.equal(again, first, 'reopened within the gap: the same visit');
    // A second browser in the same /24 (a colleague's desk at the recipient's office).
    await visit(link.token, await browserAt(link.url, '203.0.113.77'));
    assert.equal((await eventsOf(docId)).filter((e) => e.type === 'forward').length, 0);
    // A second browser elsewhere.
    const cfo = await visit(link.token, await browserAt(link.url, '192.0.2.44'));
    const forwards = (await eventsOf(docId)).filter((e) => e.type === 'forward');
    assert.equal(forwards.length, 1);
    assert.equal(forwards[0]!.visitId, cfo);
    assert.equal(forwards[0]!.recipient, 'ann@example.org');
    await eventually(() => live.some((e) => e.type === 'forward'), 20_000, 'forward on the feed');
    f.close();
    const mail = await eventually(async () => (await mails('forward', alice.email))[0], 20_000, 'forward email');
    assert.match(mail.subject ?? '', /probably forwarded/);
    const rows = await t.db.selectFrom('visits').select(['network', 'ip']).where('document_id', '=', docId).execute();
    assert.ok(
      rows.every((r) => r.ip === null),
      'no address kept (KEEP_IP_ADDRESSES unset)',
    );
    assert.ok(rows.some((r) => r.network === '192.0.2.0/24'));
  });

  it('never flags a link without a named recipient', async () => {
    const docId = await uploadReady(t, alice.token, makePdf(1), 'Open.pdf');
    const link = await createLink(t, alice.token, docId, {});
    await visit(link.token, await browserAt(link.url, '203.0.113.10'));
    await visit(link.token, await browserAt(link.url, '192.0.2.44'));
    assert.equal((await eventsOf(docId)).filter((e) => e.type === 'forward').length, 0);
  });
});

describe('notification emails', () => {
  it('sends one email per visit with what was read, and the first open once', async () => {
    const docId = await uploadReady(t, alice.token, makePdf(3), 'Deck.pdf');
    const link = await createLink(t, alice.token, docId, { recipient: 'bea@example.org' });
    const bea = await browserAt(link.url, '203.0.113.50');
    await visit(link.token, bea, [
      { page: 1, ms: 1000 },
      { page: 3, ms: 600 },
    ]);
    await eventually(
      async () => (await mails('visit', alice.email)).some((x) => x.text?.includes('bea@example.org')),
      30_000,
      'the visit email',
    );
    const visitMails = (await mails('visit', alice.email)).filter((m) => m.text?.includes('bea@example.org'));
    assert.equal(visitMails.length, 1, 'one email for the visit');
    assert.match(visitMails[0]!.subject ?? '', /bea@example\.org read Deck\.pdf/);
    assert.match(visitMails[0]!.text ?? '', /Page 1: 1 s/);
    assert.match(visitMails[0]!.text ?? '', /2 of 3 pages/);
    // A second visit (after the gap) is a new visit with its own email; the first-open email came once.
    await new Promise((ok) => setTimeout(ok, 3500));
    await visit(link.token, bea, [{ page: 2, ms: 500 }]);
    await eventually(
      async () => (await mails('visit', alice.email)).filter((m) => m.text?.includes('bea@example.org')).length === 2,
      30_000,
      'the second visit email',
    );
    const opens = (await mails('open', alice.email)).filter((m) => m.subject?.startsWith('bea@example.org'));
    assert.equal(opens.length, 1, 'first open of the link only');
  });

  it('sends none for the sender’s own or automated views, nor when switched off', async () => {
    const docId = await uploadReady(t, alice.token, makePdf(1), 'Quiet.pdf');
    const own = await createLink(t, alice.token, docId, { recipient: 'self@example.org' });
    const cookie = await sessionCookie(t.url, alice.email, alice.password);
    await visit(own.token, { cookie }, [{ page: 1, ms: 300 }]);
    await visit(own.token, { 'user-agent': 'curl/8.5.0' }, [{ page: 1, ms: 300 }]);
    const muted = await createLink(t, alice.token, docId, { recipient: 'muted@example.org' });
    const put = await fetch(`${t.url}/api/links/${muted.id}/notifications`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: false }),
    });
    assert.equal(put.status, 200);
    await visit(muted.token, await browserAt(muted.url, '203.0.113.60'), [{ page: 1, ms: 300 }]);
    // A later visit that does notify proves the quiet ones had their turn.
    const loud = await createLink(t, alice.token, docId, { recipient: 'loud@example.org' });
    await visit(loud.token, await browserAt(loud.url, '203.0.113.61'), [{ page: 1, ms: 300 }]);
    await eventually(
      async () => (await mails('visit', alice.email)).some((m) => m.text?.includes('loud@example.org')),
      30_000,
      'the loud visit email',
    );
    // The sender's own switch: off, a visit, on again, another visit.
    const setMine = (email: boolean) =>
      fetch(`${t.url}/api/notifications`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email }),
      });
    assert.equal((await setMine(false)).status, 200);
    const hushed = await createLink(t, alice.token, docId, { recipient: 'hushed@example.org' });
    const hushedVisit = await visit(hushed.token, await browserAt(hushed.url, '203.0.113.62'), [{ page: 1, ms: 300 }]);
    // Its end is reported (the report row scheduled, then gone) before the switch goes back on.
    await eventually(
      async () =>
        await t.db
          .selectFrom('visit_reports')
          .select('visit_id')
          .where('visit_id', '=', hushedVisit)
          .executeTakeFirst(),
      20_000,
      'the hushed visit to be scheduled',
    );
    await eventually(
      async () =>
        !(await t.db
          .selectFrom('visit_reports')
          .select('visit_id')
          .where('visit_id', '=', hushedVisit)
          .executeTakeFirst()),
      20_000,
      'the hushed visit to end',
    );
    await new Promise((ok) => setTimeout(ok, 300));
    await setMine(true);
    const back = await createLink(t, alice.token, docId, { recipient: 'back@example.org' });
    await visit(back.token, await browserAt(back.url, '203.0.113.63'), [{ page: 1, ms: 300 }]);
    await eventually(
      async () => (await mails('visit', alice.email)).some((m) => m.text?.includes('back@example.org')),
      30_000,
      'the visit email once switched on again',
    );
    const all = [...(await mails('visit', alice.email)), ...(await mails('open', alice.email))];
    for (const who of ['self@example.org', 'muted@example.org', 'hushed@example.org'])
      assert.equal(all.filter((m) => `${m.subject} ${m.text}`.includes(who)).length, 0, who);
  });
});

describe('exports', () => {
  it('CSV, JSON, analytics and the stored events agree on one data set, and cells cannot become formulas', async () => {
    const docId = await uploadReady(t, alice.token, makePdf(3), 'Numbers.pdf');
    const a = await createLink(t, alice.token, docId, { recipient: '=HYPERLINK("http://evil.example","x")' });
    const b = await createLink(t, alice.token, docId, { recipient: 'cy, "the cfo"@example.org' });
    await visit(a.token, await browserAt(a.url, '203.0.113.70'), [
      { page: 1, ms: 400 },
      { page: 2, ms: 700 },
    ]);
    await visit(b.token, await browserAt(b.url, '198.51.100.70'), [{ page: 2, ms: 300 }]);
    const auth = { headers: { authorization: `Bearer ${alice.token}` } };
    const get = (p: string) => fetch(`${t.url}/api/documents/${docId}/${p}`, auth);
    const analytics = (await (await get('analytics')).json()) as { visits: number; totalMs: number; pages: any[] };
    const events = await eventsOf(docId);
    const byPage = (p: number) =>
      events.filter((e) => e.type === 'page_view' && e.page === p).reduce((s, e) => s + (e.durationMs ?? 0), 0);
    assert.deepEqual(
      analytics.pages.map((p) => p.totalMs),
      [1, 2, 3].map(byPage),
    );
    const pagesCsv = await get('pages.csv');
    assert.match(pagesCsv.headers.get('content-type') ?? '', /^text\/csv/);
    const lines = (await pagesCsv.text()).trim().split('\r\n');
    assert.equal(lines[0], 'page,total_ms,visits');
    assert.deepEqual(
      lines.slice(1),
      analytics.pages.map((p) => `${p.page},${p.totalMs},${p.visits}`),
    );
    const pagesJson = (await (await get('pages.json')).json()) as { pages: unknown };
    assert.deepEqual(pagesJson.pages, analytics.pages);
    const visitsCsv = await (await get('visits.csv')).text();
    const rows = visitsCsv.trim().split('\r\n');
    assert.equal(rows.length - 1, analytics.visits);
    assert.ok(
      rows.some((r) => r.includes(`"'=HYPERLINK(""http://evil.example"",""x"")"`)),
      'formula defused',
    );
    assert.ok(
      rows.some((r) => r.includes('"cy, ""the cfo""@example.org"')),
      'quoted',
    );
    const visitsJson = (await (await get('visits.json')).json()) as { visits: { totalMs: number }[] };
    assert.equal(
      visitsJson.visits.reduce((s, v) => s + v.totalMs, 0),
      analytics.totalMs,
    );
    const bob = await t.sender();
    const foreign = await fetch(`${t.url}/api/documents/${docId}/visits.csv`, {
      headers: { authorization: `Bearer ${bob.token}` },
    });
    assert.equal(foreign.status, 404);
  });
});
