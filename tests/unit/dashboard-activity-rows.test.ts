// The activity feed's lines: a reader's heartbeats on one page grow one line, anything else starts a new one,
// live arrivals are marked for the highlight, and the list stays bounded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActivityEvent } from '../../server/realtime/protocol.ts';
import { addActivity, MAX_ROWS } from '../../viewer/dashboard/hooks/activity-rows.ts';

let seq = 0;
function event(change: Partial<ActivityEvent>): ActivityEvent {
  seq++;
  return {
    id: `e${seq}`,
    seq,
    type: 'page_view',
    at: '2026-01-01T00:00:00Z',
    automated: false,
    visitId: 'v1',
    documentId: 'd1',
    page: 1,
    durationMs: 5000,
    ...change,
  } as ActivityEvent;
}

describe('activity rows', () => {
  it('grows one line while the same reader stays on the same page', () => {
    const rows = addActivity([], [event({ type: 'open', page: undefined, durationMs: undefined })], false);
    const grown = addActivity(rows, [event({}), event({}), event({ durationMs: 2000 })], true);
    assert.equal(grown.length, 2);
    assert.equal(grown[0]?.totalMs, 12_000);
    assert.equal(grown[0]?.event.seq, seq, 'the line shows its latest event');
    assert.equal(grown[0]?.flash, 3, 'each live heartbeat replays the highlight');
    assert.equal(grown[1]?.event.type, 'open');
  });

  it('starts a new line for another page, another reader, or after something else from them', () => {
    const first = addActivity([], [event({ page: 1 })], false);
    const otherPage = addActivity(first, [event({ page: 2 })], false);
    assert.equal(otherPage.length, 2);
    const otherReader = addActivity(otherPage, [event({ page: 2, visitId: 'v2' })], false);
    assert.equal(otherReader.length, 3);
    const between = addActivity(
      addActivity([], [event({ page: 1 }), event({ type: 'download', page: undefined })], false),
      [event({ page: 1 })],
      false,
    );
    assert.equal(between.length, 3, 'a download in between ends the page line');
    const noVisit = addActivity(
      addActivity([], [event({ visitId: undefined, type: 'email_open' })], false),
      [event({ visitId: undefined, type: 'email_open' })],
      false,
    );
    assert.equal(noVisit.length, 2, 'events without a visit never merge');
  });

  it('moves a grown line back to the top, keeping its key', () => {
    const rows = addActivity([], [event({ visitId: 'a' }), event({ visitId: 'b' })], false);
    const key = rows[1]?.key;
    const grown = addActivity(rows, [event({ visitId: 'a' })], true);
    assert.equal(grown.length, 2);
    assert.equal(grown[0]?.key, key);
    assert.equal(grown[0]?.event.visitId, 'a');
  });

  it('marks history unhighlighted and keeps at most MAX_ROWS lines, newest first', () => {
    const many = Array.from({ length: MAX_ROWS + 20 }, (_, i) => event({ type: 'open', visitId: `v${i}` }));
    const rows = addActivity([], many, false);
    assert.equal(rows.length, MAX_ROWS);
    assert.equal(rows[0]?.event.seq, many.at(-1)?.seq);
    assert.ok(rows.every((r) => r.flash === 0));
  });
});
