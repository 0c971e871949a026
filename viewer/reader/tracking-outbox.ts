// Page events wait here until the server acknowledges them (ack = stored). Every event keeps its
// client id, so re-sending after a reconnect, or through a beacon, is safe: the server stores it once.
// With a store (sessionStorage in the browser) the outbox and its visit outlive a reload of the tab: the
// next page resumes the visit and re-sends what was never acknowledged.

import type { PageViewInput } from '../../server/realtime/protocol.ts';

/** The part of the Web Storage API the outbox uses. */
export interface OutboxStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

interface Saved {
  visitId: string | null;
  events: PageViewInput[];
}

/** At most this many unacknowledged events are kept (the oldest go first): a tab that cannot reach the server
 * for hours must not fill the storage quota. */
export const OUTBOX_MAX = 2000;

export class Outbox {
  readonly #pending = new Map<string, PageViewInput>();
  readonly #store: OutboxStore | null;
  readonly #key: string;
  #visitId: string | null = null;

  /** `key` names this link's outbox in the store (one per link, so two readers in a tab never mix). */
  constructor(opts: { store?: OutboxStore | null; key?: string } = {}) {
    this.#store = opts.store ?? null;
    this.#key = opts.key ?? 'pagetrail.outbox';
    const saved = this.#load();
    if (!saved) return;
    this.#visitId = saved.visitId;
    for (const event of saved.events) this.#pending.set(event.id, event);
  }

  /** The visit the pending events belong to: kept across a reload, so the next page resumes it. */
  get visitId(): string | null {
    return this.#visitId;
  }

  /** The socket holds this visit now; events still pending are sent on it. */
  setVisit(visitId: string): void {
    if (visitId === this.#visitId) return;
    this.#visitId = visitId;
    this.#save();
  }

  add(events: Iterable<PageViewInput>): void {
    let added = false;
    for (const event of events) {
      this.#pending.set(event.id, event);
      added = true;
    }
    if (!added) return;
    for (const id of this.#pending.keys()) {
      if (this.#pending.size <= OUTBOX_MAX) break;
      this.#pending.delete(id);
    }
    this.#save();
  }

  /** The server has stored (or deliberately refused) this event: stop re-sending it. */
  settle(id: string): void {
    if (this.#pending.delete(id)) this.#save();
  }

  /** Unacknowledged events, oldest first. A beacon carries them too, but they stay until the socket's ack: a
   * beacon is never answered, and the server stores an event once whichever path brings it first. */
  pending(): PageViewInput[] {
    return [...this.#pending.values()];
  }

  get size(): number {
    return this.#pending.size;
  }

  #load(): Saved | null {
    try {
      const raw = this.#store?.getItem(this.#key);
      if (!raw) return null;
      const saved = JSON.parse(raw) as Partial<Saved>;
      const events = Array.isArray(saved.events) ? saved.events.filter(isEvent) : [];
      return { visitId: typeof saved.visitId === 'string' ? saved.visitId : null, events };
    } catch {
      // Unreadable (another version, storage disabled): start empty.
      return null;
    }
  }

  #save(): void {
    if (!this.#store) return;
    try {
      const saved: Saved = { visitId: this.#visitId, events: this.pending() };
      this.#store.setItem(this.#key, JSON.stringify(saved));
    } catch {
      // Quota or privacy settings: the events still go from memory, only a reload loses them.
    }
  }
}

function isEvent(e: unknown): e is PageViewInput {
  const v = e as PageViewInput | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.id === 'string' &&
    typeof v.page === 'number' &&
    typeof v.durationMs === 'number'
  );
}
