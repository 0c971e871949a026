// The reader keeps page events the server never acknowledged across a reload (sessionStorage) and re-sends them on
// the resumed visit; the beacon and the socket may both carry an event, and the server stores it once.
// Real Chromium against the real app; the first page's socket is relayed by the test, which drops its page events.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, WebSocketRoute } from 'playwright-core';
import { build } from '../../viewer/build.ts';
import { createLink, startApp, uploadReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { launchBrowser, watchProblems } from '../helpers/browser.ts';
import { makePdf } from '../helpers/pdf.ts';
import { eventually } from '../helpers/wait.ts';

let t: TestApp;
let browser: Browser;
let sender: TestSender;
let docId: string;

before(async () => {
  await build({ minify: true });
  t = await startApp();
  sender = await t.sender('owner@example.org');
  docId = await uploadReady(t, sender.token, makePdf(4, { text: (p) => `Outbox page ${p}` }), 'Outbox.pdf');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await t?.close();
});

/** The client ids of page events in a socket.io frame from the reader (`42/viewer,<ack>["page:view",{...}]`). */
function pageViewIds(frame: string | Buffer): string[] {
  const m = /^42\/viewer,\d*(\[.*\])$/s.exec(String(frame));
  if (!m) return [];
  const [name, body] = JSON.parse(m[1]!) as [string, { id?: string }];
  return name === 'page:view' && typeof body?.id === 'string' ? [body.id] : [];
}

/** Stored page events of a recipient: how often each client id is stored, and the visits they are on. */
async function stored(recipient: string) {
  const rows = await t.db
    .selectFrom('events')
    .select(['client_id', 'visit_id', 'duration_ms'])
    .where('recipient', '=', recipient)
    .where('type', '=', 'page_view')
    .execute();
  const count = new Map<string, number>();
  for (const r of rows) count.set(r.client_id!, (count.get(r.client_id!) ?? 0) + 1);
  return { rows, count, visits: new Set(rows.map((r) => r.visit_id)) };
}

/**
 * Opens a link whose first socket connection loses every page event the reader sends (the server never sees them,
 * so none is acknowledged), reads until `dropped` holds at least two events (the arrival and a heartbeat), then
 * reloads. Later connections are relayed untouched. `beacon` says whether the closing beacon reaches the server.
 */
async function readBlockedThenReload(recipient: string, beacon: 'delivered' | 'blocked') {
  const link = await createLink(t, sender.token, docId, { recipient });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const dropped: string[] = [];
  const resent: string[] = [];
  /** Acks of the reloaded page's socket: ack id -> event id sent, and the events the server found stored already. */
  const acks = new Map<number, string>();
  const duplicates: string[] = [];
  let connections = 0;
  await context.routeWebSocket(/\/socket\.io\//, (ws: WebSocketRoute) => {
    const n = ++connections;
    const server = ws.connectToServer();
    ws.onMessage((frame) => {
      const ids = pageViewIds(frame);
      if (ids.length && n === 1) return void dropped.push(...ids);
      if (ids.length) {
        resent.push(...ids);
        acks.set(Number(/^42\/viewer,(\d+)/.exec(String(frame))![1]), ids[0]!);
      }
      server.send(frame);
    });
    server.onMessage((frame) => {
      const m = /^43\/viewer,(\d+)(\[.*\])$/s.exec(String(frame));
      const id = m && acks.get(Number(m[1]));
      if (id && (JSON.parse(m[2]!) as [{ data?: { duplicate: boolean } }])[0].data?.duplicate) duplicates.push(id);
      ws.send(frame);
    });
  });
  // The page's beacons are counted in the tab (sessionStorage outlives the reload); a blocked one is lost on its
  // way, as on a network that drops it (Chromium's sendBeacon is not seen by request interception).
  await context.addInitScript((deliver: boolean) => {
    const send = navigator.sendBeacon.bind(navigator);
    navigator.sendBeacon = (url, data) => {
      sessionStorage.setItem('test.beacons', String(Number(sessionStorage.getItem('test.beacons') ?? 0) + 1));
      return deliver ? send(url, data) : true;
    };
  }, beacon === 'delivered');
  const page = await context.newPage();
  const problems = await watchProblems(page);
  await page.goto(link.url);
  await page.locator('.page[data-page-number="1"] canvas').waitFor({ timeout: 30_000 });
  // The arrival at once, a heartbeat 5 s later.
  await eventually(() => dropped.length >= 2, 30_000, 'two page events sent on the first socket');
  const kept = await page.evaluate(
    (key) => JSON.parse(sessionStorage.getItem(key) ?? 'null') as { visitId: string; events: { id: string }[] },
    `pagetrail.outbox.${link.token}`,
  );
  assert.ok(kept?.visitId?.startsWith('vis_'), 'the outbox names its visit in sessionStorage');
  const keptIds = new Set(kept.events.map((e) => e.id));
  for (const id of dropped) assert.ok(keptIds.has(id), `unacknowledged event ${id} kept in sessionStorage`);
  assert.equal((await stored(recipient)).rows.length, 0, 'nothing reached the server before the reload');

  const lost = [...dropped];
  await page.reload();
  await page.locator('.page[data-page-number="1"] canvas').waitFor({ timeout: 30_000 });
  const beacons = await page.evaluate(() => Number(sessionStorage.getItem('test.beacons') ?? 0));
  const after = await eventually(
    async () => {
      const s = await stored(recipient);
      return lost.every((id) => s.count.has(id)) ? s : null;
    },
    30_000,
    `the ${lost.length} events kept across the reload stored`,
  );
  // Every event of the reload is acknowledged: what the outbox still holds is only what is newer.
  await eventually(
    async () => {
      const left = await page.evaluate(
        (key) => (JSON.parse(sessionStorage.getItem(key) ?? '{"events":[]}') as { events: { id: string }[] }).events,
        `pagetrail.outbox.${link.token}`,
      );
      return left.every((e) => !lost.includes(e.id));
    },
    30_000,
    'the re-sent events acknowledged and removed from sessionStorage',
  );
  await context.close();
  return { lost, resent, beacons, duplicates, stored: after, visitId: kept.visitId, problems: problems.list() };
}

describe('reader outbox across a reload', () => {
  it('events the socket never delivered are re-sent after a reload and stored once, on the same visit', async () => {
    const r = await readBlockedThenReload('outbox-socket@example.org', 'blocked');
    for (const id of r.lost) {
      assert.equal(r.stored.count.get(id), 1, `event ${id} stored exactly once`);
      assert.ok(r.resent.includes(id), `event ${id} came again on the reloaded page's socket`);
    }
    assert.ok(r.beacons > 0, 'the closing page handed its events to a beacon (which was lost)');
    assert.deepEqual(r.duplicates, [], 'nothing had reached the server before the re-send');
    assert.deepEqual([...r.stored.visits], [r.visitId], 'the reload resumed the visit instead of opening one');
    const totals = await t.db
      .selectFrom('visit_totals')
      .select('accounted_ms')
      .where('visit_id', '=', r.visitId)
      .executeTakeFirstOrThrow();
    const sum = r.stored.rows.reduce((n, e) => n + Number(e.duration_ms ?? 0), 0);
    assert.equal(Number(totals.accounted_ms), sum, "the visit's total is the sum of its stored events");
    assert.deepEqual(r.problems, []);
  });

  it('an event both the beacon and the re-sending socket carry is stored once', async () => {
    const r = await readBlockedThenReload('outbox-both@example.org', 'delivered');
    assert.ok(r.beacons > 0, 'the closing page handed its events to a beacon');
    // The first socket dropped them, so only the beacon can have stored an event before the socket re-sent it.
    const both = r.lost.filter((id) => r.resent.includes(id) && r.duplicates.includes(id));
    assert.ok(
      both.length > 0,
      `a re-send answered as already stored (re-sent ${r.resent.length}, duplicates ${r.duplicates.length})`,
    );
    for (const id of r.lost) assert.equal(r.stored.count.get(id), 1, `event ${id} stored exactly once`);
    assert.deepEqual([...r.stored.visits], [r.visitId]);
    assert.deepEqual(r.problems, []);
  });
});
