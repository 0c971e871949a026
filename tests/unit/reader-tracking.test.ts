// The reader's page-tracking core, driven by a made-up clock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HEARTBEAT_MS, IDLE_MS, PageTracker } from '../../viewer/reader/tracking.ts';
import { OUTBOX_MAX, Outbox } from '../../viewer/reader/tracking-outbox.ts';
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

  it('re-adding the same id does not duplicate it', () => {
    const box = new Outbox();
    box.add([ev('a'), ev('b')]);
    box.add([ev('a')]);
    assert.equal(box.size, 2);
  });

  /** sessionStorage's behaviour: strings in, strings out, shared by every page the tab loads. */
  const tabStorage = () => {
    const items = new Map<string, string>();
    return {
      items,
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, String(v)),
      removeItem: (k: string) => void items.delete(k),
    };
  };

  it('a reload finds the unacknowledged events and their visit; acknowledged ones are gone', () => {
    const store = tabStorage();
    const before = new Outbox({ store, key: 'k' });
    before.setVisit('vis_1');
    before.add([ev('a'), ev('b'), ev('c')]);
    before.settle('b');
    const after = new Outbox({ store, key: 'k' });
    assert.equal(after.visitId, 'vis_1');
    assert.deepEqual(
      after.pending().map((e) => e.id),
      ['a', 'c'],
    );
    // Another link's outbox in the same tab is its own.
    assert.equal(new Outbox({ store, key: 'other' }).size, 0);
    after.settle('a');
    after.settle('c');
    assert.equal(new Outbox({ store, key: 'k' }).size, 0);
  });

  it('a visit that could not be resumed takes over the pending events', () => {
    const store = tabStorage();
    const before = new Outbox({ store, key: 'k' });
    before.setVisit('vis_old');
    before.add([ev('a')]);
    const after = new Outbox({ store, key: 'k' });
    after.setVisit('vis_new');
    const again = new Outbox({ store, key: 'k' });
    assert.equal(again.visitId, 'vis_new');
    assert.deepEqual(
      again.pending().map((e) => e.id),
      ['a'],
    );
  });

  it('unreadable or malformed saved state starts empty, and a full store only costs the reload copy', () => {
    const store = tabStorage();
    store.items.set('k', '{not json');
    assert.equal(new Outbox({ store, key: 'k' }).size, 0);
    store.items.set('k', JSON.stringify({ visitId: 7, events: [{ id: 'a', page: 1, durationMs: 0 }, { id: 3 }] }));
    const box = new Outbox({ store, key: 'k' });
    assert.equal(box.visitId, null);
    assert.deepEqual(
      box.pending().map((e) => e.id),
      ['a'],
    );
    const full = {
      ...tabStorage(),
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const kept = new Outbox({ store: full, key: 'k' });
    kept.add([ev('x')]);
    assert.equal(kept.size, 1);
  });

  it('keeps at most OUTBOX_MAX events, dropping the oldest', () => {
    const box = new Outbox();
    box.add(Array.from({ length: OUTBOX_MAX + 5 }, (_, i) => ev(`e${i}`)));
    assert.equal(box.size, OUTBOX_MAX);
    assert.equal(box.pending()[0]!.id, 'e5');
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
