// RETENTION_DAYS purges old events on its schedule, whole visits at a time, and the analytics keep their totals
// (the rollups kept at write time); KEEP_IP_ADDRESSES keeps the address with the visit until then, and only then.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLink, startApp, uploadReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { makePdf } from '../helpers/pdf.ts';
import { pageView, started, viewer } from '../helpers/sockets.ts';
import { eventually } from '../helpers/wait.ts';

let t: TestApp;
let alice: TestSender;

before(async () => {
  t = await startApp({ RETENTION_DAYS: '30', RETENTION_SWEEP_MS: '1000', KEEP_IP_ADDRESSES: 'true' });
  alice = await t.sender();
});
after(() => t?.close());

async function read(token: string, page: number, ms: number) {
  const v = viewer(t.url, { token });
  const { visitId } = await started(v);
  await pageView(v, { id: `${Date.now()}-a${page}`, page, durationMs: 0 });
  await new Promise((r) => setTimeout(r, ms + 50));
  await pageView(v, { id: `${Date.now()}-b${page}`, page, durationMs: ms });
  v.close();
  return visitId;
}

describe('retention', () => {
  it('purges events of visits older than RETENTION_DAYS and keeps the analytics totals', async () => {
    const docId = await uploadReady(t, alice.token, makePdf(2), 'Old.pdf');
    const link = await createLink(t, alice.token, docId, { recipient: 'old@example.org' });
    const old = await read(link.token, 1, 400);
    const recent = await read(link.token, 2, 300);
    await eventually(
      async () =>
        (await t.db.selectFrom('visits').select('ip').where('id', '=', old).executeTakeFirst())?.ip === '127.0.0.1',
      10_000,
      'the kept address',
    );
    const get = async (p: string) =>
      (
        await fetch(`${t.url}/api/documents/${docId}/${p}`, { headers: { authorization: `Bearer ${alice.token}` } })
      ).text();
    const before = await get('analytics');
    const csvBefore = await get('pages.csv');
    // The first visit ended 40 days ago.
    const then = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await t.db.updateTable('visits').set({ started_at: then, last_seen_at: then }).where('id', '=', old).execute();
    await t.db.updateTable('events').set({ at: then }).where('visit_id', '=', old).execute();
    await eventually(
      async () => !(await t.db.selectFrom('events').select('id').where('visit_id', '=', old).executeTakeFirst()),
      20_000,
      'the old visit’s events to be purged',
    );
    const left = await t.db.selectFrom('events').select('visit_id').where('document_id', '=', docId).execute();
    assert.ok(left.length > 0 && left.every((e) => e.visit_id === recent), 'the recent visit is kept whole');
    // Visits over time follow the start day the test moved; every other figure stays as it was.
    const figures = (json: string) => ({ ...JSON.parse(json), overTime: undefined });
    assert.deepEqual(figures(await get('analytics')), figures(before), 'analytics keep their totals');
    assert.equal(await get('pages.csv'), csvBefore);
    const visit = await t.db.selectFrom('visits').select('ip').where('id', '=', old).executeTakeFirstOrThrow();
    assert.equal(visit.ip, null, 'the kept address goes with the purge');
    const visits = JSON.parse(await get('visits.json')) as { visits: { id: string; totalMs: number }[] };
    assert.equal(visits.visits.find((v) => v.id === old)?.totalMs, 400, 'the visit keeps its time');
  });
});
