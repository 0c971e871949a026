// The reader's page-tracking core, driven by a made-up clock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HEARTBEAT_MS, IDLE_MS, PageTracker } from '../../viewer/reader/tracking.ts';
import { Outbox } from '../../viewer/reader/tracking-outbox.ts';
import { timeOrderedId } from '../../viewer/reader/event-id.ts';
import { clientId } from '../../server/tracking/page-view.schema.ts';
import type { PageViewInput } from '../../server/realtime/protocol.ts';

function tracker(now = 0, visible = true) {
  let n = 0;
  return new PageTracker({ newId: () => `e${++n}`, now, visible });
}

const strip = (events: PageViewInput[]) => events.map(({ page, durationMs }) => ({ page, durationMs }));

/** Ticks once a second from `from` to `to` (inclusive), collecting everything emitted. */
function tickThrough(t: PageTracker, from: number, to: number): PageViewInput[] {
  const out: PageViewInput[] = [];
  for (let now = from; now <= to; now += 1000) out.push(...t.tick(now));
  return out;
}

const total = (events: PageViewInput[], page: number) =>
  events.filter((e) => e.page === page).reduce((sum, e) => sum + e.durationMs, 0);

describe('PageTracker', () => {
  it('emits an arrival with durationMs 0 at once', () => {
    const t = tracker();
    assert.deepEqual(strip(t.setPage(1, 0)), [{ page: 1, durationMs: 0 }]);
  });

  it('does not re-emit an arrival for the page it is already on', () => {
    const t = tracker();
    t.setPage(1, 0);
    assert.deepEqual(t.setPage(1, 500), []);
  });

  it('emits a heartbeat every 5 s with the time since the previous event', () => {
    const t = tracker();
    t.setPage(1, 0);
    assert.deepEqual(t.tick(4000), []);
    assert.deepEqual(strip(t.tick(HEARTBEAT_MS)), [{ page: 1, durationMs: 5000 }]);
    assert.deepEqual(t.tick(9000), []);
    assert.deepEqual(strip(t.tick(10_000)), [{ page: 1, durationMs: 5000 }]);
  });

  it('emits the remainder on leaving a page, then the arrival on the next', () => {
    const t = tracker();
    t.setPage(1, 0);
    t.tick(5000);
    assert.deepEqual(strip(t.setPage(2, 7250)), [
      { page: 1, durationMs: 2250 },
      { page: 2, durationMs: 0 },
    ]);
  });

  it('keeps durations additive: the sum over events equals the time on the page', () => {
    const t = tracker();
    const events = [...t.setPage(3, 0), ...tickThrough(t, 1000, 42_000), ...t.setPage(4, 42_400)];
    assert.equal(total(events, 3), 42_400);
  });

  it('carries sub-millisecond fractions instead of losing them', () => {
    const t = tracker();
    const events = [...t.setPage(1, 0), ...t.flush(0.6), ...t.flush(1.2), ...t.flush(2.1)];
    assert.equal(total(events, 1), 2);
  });

  it('gives each event a unique client id', () => {
    const t = tracker();
    const events = [...t.setPage(1, 0), ...tickThrough(t, 1000, 20_000), ...t.setPage(2, 21_000)];
    assert.equal(new Set(events.map((e) => e.id)).size, events.length);
  });

  it('does not count time while the tab is hidden', () => {
    const t = tracker();
    t.setPage(1, 0);
    t.setVisible(false, 2000);
    // The heartbeat still reports the 2 s read before hiding, and nothing after.
    assert.deepEqual(strip(tickThrough(t, 3000, 60_000)), [{ page: 1, durationMs: 2000 }]);
    t.setVisible(true, 60_000);
    assert.deepEqual(strip(t.setPage(2, 61_000)), [
      { page: 1, durationMs: 1000 },
      { page: 2, durationMs: 0 },
    ]);
  });

  it('flush before hiding reports the dwell so far and nothing twice', () => {
    const t = tracker();
    t.setPage(1, 0);
    assert.deepEqual(strip(t.flush(3000)), [{ page: 1, durationMs: 3000 }]);
    t.setVisible(false, 3000);
    assert.deepEqual(t.flush(9000), []);
    t.setVisible(true, 9000);
    assert.deepEqual(strip(t.flush(10_000)), [{ page: 1, durationMs: 1000 }]);
  });

  it('stops counting after IDLE_MS without input, at the idle cut-off', () => {
    const t = tracker();
    t.setPage(1, 0);
    const events = tickThrough(t, 1000, IDLE_MS + 60_000);
    assert.equal(total(events, 1), IDLE_MS);
    assert.equal(t.counting(IDLE_MS + 60_000), false);
  });

  it('resumes counting with the next input', () => {
    const t = tracker();
    t.setPage(1, 0);
    const idle = tickThrough(t, 1000, IDLE_MS + 30_000);
    t.input(IDLE_MS + 30_000);
    assert.equal(t.counting(IDLE_MS + 30_000), true);
    const after = [...tickThrough(t, IDLE_MS + 31_000, IDLE_MS + 40_000), ...t.flush(IDLE_MS + 40_000)];
    assert.equal(total([...idle, ...after], 1), IDLE_MS + 10_000);
  });

  it('input keeps a reader from going idle', () => {
    const t = tracker();
    t.setPage(1, 0);
    const events: PageViewInput[] = [];
    for (let now = 1000; now <= 5 * 60_000; now += 1000) {
      if (now % 60_000 === 0) t.input(now);
      events.push(...t.tick(now));
    }
    events.push(...t.flush(5 * 60_000));
    assert.equal(total(events, 1), 5 * 60_000);
  });

  it('counts nothing with no page in view', () => {
    const t = tracker();
    assert.deepEqual(tickThrough(t, 0, 20_000), []);
    t.setPage(1, 20_000);
    assert.deepEqual(strip(t.setPage(null, 23_000)), [{ page: 1, durationMs: 3000 }]);
    assert.deepEqual(tickThrough(t, 24_000, 40_000), []);
  });

  it('starts hidden when the tab opens in the background', () => {
    const t = tracker(0, false);
    t.setPage(1, 0);
    assert.deepEqual(tickThrough(t, 1000, 30_000), []);
    t.setVisible(true, 30_000);
    assert.deepEqual(strip(t.tick(35_000)), [{ page: 1, durationMs: 5000 }]);
  });
});

describe('Outbox', () => {
  const ev = (id: string): PageViewInput => ({ id, page: 1, durationMs: 0 });

  it('keeps events until settled, oldest first', () => {
    const box = new Outbox();
    box.add([ev('a'), ev('b'), ev('c')]);
    box.settle('b');
    assert.deepEqual(
      box.pending().map((e) => e.id),
      ['a', 'c'],
    );
  });

  it('drain empties it for the beacon; re-adding the same id does not duplicate', () => {
    const box = new Outbox();
    box.add([ev('a'), ev('b')]);
    const drained = box.drain();
    assert.equal(box.size, 0);
    box.add(drained);
    box.add([ev('a')]);
    assert.equal(box.size, 2);
  });
});

describe('timeOrderedId', () => {
  it('makes ids the server accepts, unique, that sort by the time they were made', () => {
    const times = [1_700_000_000_000, 1_700_000_000_001, 1_700_000_005_000, 1_800_000_000_000, 4_000_000_000_000];
    const ids = times.flatMap((t) => [timeOrderedId(t), timeOrderedId(t)]);
    for (const id of ids) assert.ok(clientId.safeParse(id).success, id);
    assert.equal(new Set(ids).size, ids.length);
    const byTime = ids.filter((_, i) => i % 2 === 0);
    assert.deepEqual([...byTime].sort(), byTime);
  });
});
