// Page events wait here until the server acknowledges them (ack = stored). Every event keeps its
// client id, so re-sending after a reconnect, or through a beacon, is safe: the server stores it once.

import type { PageViewInput } from '../../server/realtime/protocol.ts';

export class Outbox {
  readonly #pending = new Map<string, PageViewInput>();

  add(events: Iterable<PageViewInput>): void {
    for (const event of events) this.#pending.set(event.id, event);
  }

  /** The server has stored (or deliberately refused) this event: stop re-sending it. */
  settle(id: string): void {
    this.#pending.delete(id);
  }

  /** Unacknowledged events, oldest first. */
  pending(): PageViewInput[] {
    return [...this.#pending.values()];
  }

  /** Removes and returns everything (handed to sendBeacon; put back with add() if the browser refuses). */
  drain(): PageViewInput[] {
    const events = this.pending();
    this.#pending.clear();
    return events;
  }

  get size(): number {
    return this.#pending.size;
  }
}
