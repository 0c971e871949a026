// The activity feed's lines, newest first. A reader's heartbeats on one page collapse into a single line that
// grows ("spent 42 s on page 3") instead of a new line every five seconds. Pure, so it is unit-tested.

import type { ActivityEvent } from '../../../server/realtime/protocol.ts';

export const MAX_ROWS = 150;

export interface ActivityRow {
  /** The id of the line's first event: stable while the line grows. */
  key: string;
  /** The line's latest event. */
  event: ActivityEvent;
  totalMs: number;
  /** How often the line arrived or grew live (0 for history): a new value replays its highlight. */
  flash: number;
}

/** `rows` with `events` (oldest first) added; `live` marks them for the highlight. */
export function addActivity(rows: readonly ActivityRow[], events: readonly ActivityEvent[], live: boolean) {
  const next = [...rows];
  for (const event of events) {
    const index = next.findIndex((row) => row.event.visitId !== undefined && row.event.visitId === event.visitId);
    const top = next[index];
    // Same reader, same page, nothing else from them in between: grow the existing line.
    if (event.type === 'page_view' && top && top.event.type === 'page_view' && top.event.page === event.page) {
      next.splice(index, 1);
      next.unshift({
        key: top.key,
        event,
        totalMs: top.totalMs + (event.durationMs ?? 0),
        flash: live ? top.flash + 1 : top.flash,
      });
      continue;
    }
    next.unshift({ key: event.id, event, totalMs: event.durationMs ?? 0, flash: live ? 1 : 0 });
  }
  return next.slice(0, MAX_ROWS);
}
