// Hole 5: a visit's time never exceeds its contact: concurrent events cannot each pass the bound, beacons after the
// socket has gone are bounded by its last contact and refused when late, concurrent beacons share one visit state.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { fastGeoIp } from '../../server/tracking/enrich.ts';
import { Tracker } from '../../server/tracking/tracker.ts';
import { createLink, startApp, uploadReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { makePdf } from '../helpers/pdf.ts';
import { BROWSER_UA, pageView, started, viewer } from '../helpers/sockets.ts';

let t: TestApp;
let alice: TestSender;
let docId: string;
const SLACK_MS = 5000;

before(async () => {
  t = await startApp({ VIEWER_EVENTS_PER_10S: '1000' });
  alice = await t.sender();
  docId = await uploadReady(t, alice.token, makePdf(3), 'Terms.pdf');
});
after(async () => t.close());

const credited = async (visitId: string) =>
  (
    await t.db
      .selectFrom('events')
      .select('duration_ms')
      .where('visit_id', '=', visitId)
      .where('type', '=', 'page_view')
      .execute()
  ).reduce((a, r) => a + Number(r.duration_ms), 0);
const beacon = (url: string, visitId: string, durationMs: number) =>
  request(url)
    .post('/beacon')
    .set('content-type', 'text/plain')
    .send(JSON.stringify({ visitId, events: [{ id: crypto.randomUUID(), page: 1, durationMs }] }));

describe('visit time', () => {
  it('concurrent events on a live socket cannot together pass the wall-time bound', async () => {
    const link = await createLink(t, alice.token, docId);
    const v = viewer(t.url, { token: link.token });
    try {
      const { visitId } = await started(v);
      const replies = await Promise.all(
        Array.from({ length: 10 }, () => pageView(v, { id: crypto.randomUUID(), page: 1, durationMs: 2000 })),
      );
      // The visit's wall time runs from its stored start (which may precede visit:started by the agent lookup).
      const startedAt = (
        await t.db.selectFrom('visits').select('started_at').where('id', '=', visitId).executeTakeFirstOrThrow()
      ).started_at;
      const wall = Date.now() - Date.parse(startedAt);
      assert.ok(
        replies.some((r) => 'error' in r && r.error.code === 'invalid_duration'),
        'some refused',
      );
      assert.ok(
        (await credited(visitId)) <= wall + SLACK_MS,
        `credited ${await credited(visitId)} ms in a visit of ~${wall} ms`,
      );
    } finally {
      v.close();
    }
  });

  it("a beacon after the socket has gone is bounded by the visit's last contact, not by the clock", async () => {
    const link = await createLink(t, alice.token, docId);
    const v = viewer(t.url, { token: link.token });
    const { visitId } = await started(v);
    await new Promise((r) => setTimeout(r, 500));
    v.close();
    const closedAt = Date.now();
    const startedAt = Date.parse(
      (await t.db.selectFrom('visits').select('started_at').where('id', '=', visitId).executeTakeFirstOrThrow())
        .started_at,
    );
    await new Promise((r) => setTimeout(r, 3000));
    // A second past what contact plus slack allows, yet well within the wall time since the start plus slack.
    const res = await beacon(link.url, visitId, closedAt - startedAt + SLACK_MS + 1000);
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'invalid_duration');
    assert.equal(await credited(visitId), 0);
    await beacon(link.url, visitId, 400).expect(204);
  });

  it('concurrent beacons share one visit state: together they stay within the bound', async () => {
    const link = await createLink(t, alice.token, docId);
    const v = viewer(t.url, { token: link.token });
    const { visitId } = await started(v);
    await new Promise((r) => setTimeout(r, 1000));
    v.close();
    const startedAt = Date.parse(
      (await t.db.selectFrom('visits').select('started_at').where('id', '=', visitId).executeTakeFirstOrThrow())
        .started_at,
    );
    const statuses = (await Promise.all(Array.from({ length: 6 }, () => beacon(link.url, visitId, 1500)))).map(
      (r) => r.status,
    );
    assert.ok(statuses.includes(400), `some refused: ${statuses.join(',')}`);
    assert.ok((await credited(visitId)) <= Date.now() - startedAt + SLACK_MS);
  });

  it("refuses events that arrive too long after the visit's last contact", async () => {
    // A tracker on the app's own store and database, with a short lateness window so the test need not wait a minute.
    const tracker = new Tracker({ db: t.db, store: t.app.events, geo: fastGeoIp(), eventsPer10s: 100, lateMs: 300 });
    const link = await createLink(t, alice.token, docId);
    const linkRow = await t.db.selectFrom('links').selectAll().where('id', '=', link.id).executeTakeFirstOrThrow();
    const document = await t.db.selectFrom('documents').selectAll().where('id', '=', docId).executeTakeFirstOrThrow();
    const resolved = { link: linkRow, document };
    const s = await tracker.openVisit(resolved, { ip: '192.0.2.1', userAgent: BROWSER_UA });
    tracker.attach(s);
    tracker.release(s, true);
    await tracker.beacon(resolved, { visitId: s.id, events: [{ id: crypto.randomUUID(), page: 1, durationMs: 0 }] });
    await new Promise((r) => setTimeout(r, 600));
    await assert.rejects(
      tracker.beacon(resolved, { visitId: s.id, events: [{ id: crypto.randomUUID(), page: 1, durationMs: 10 }] }),
      (e: { code?: string }) => e.code === 'event_late',
    );
    assert.equal(tracker.liveStates, 0, 'nothing held for the ended visit');
  });
});
