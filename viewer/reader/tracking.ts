// The pure core of page tracking: fed with timestamps, the page being read, tab visibility and
// input, it produces the page:view events to send. No DOM, no timers, no sockets, so it is unit
// tested with made-up clocks (tests/unit/reader-tracking.test.ts).

import type { PageViewInput } from '../../server/realtime/protocol.ts';

/**
 * A reader who has not touched pointer, keyboard, wheel, scroll or touch for this long is treated
 * as away: time stops counting at (last input + IDLE_MS) and resumes with the next input. Two
 * minutes is long enough to read a dense page without moving, short enough that a tab left open
 * over lunch does not report an hour on page 3.
 */
export const IDLE_MS = 2 * 60 * 1000;

/** While on a page, the time read so far is reported this often, so the sender's feed stays live. */
export const HEARTBEAT_MS = 5_000;

export interface PageTrackerOptions {
  /** Makes the client-side event ids (timeOrderedId in the browser). */
  newId: () => string;
  /** The clock reading at creation; all later calls pass readings of the same clock (ms). */
  now: number;
  visible?: boolean;
  idleMs?: number;
  heartbeatMs?: number;
}

export class PageTracker {
  readonly #newId: () => string;
  readonly #idleMs: number;
  readonly #heartbeatMs: number;
  #page: number | null = null;
  #visible: boolean;
  #lastInput: number;
  /** Counted time on #page not yet reported; fractional ms carry over so nothing is lost to rounding. */
  #accrued = 0;
  /** Up to when time has been added to #accrued. */
  #accruedUntil: number;
  /** When the last event for #page was produced (drives the heartbeat). */
  #lastEventAt: number;

  constructor(options: PageTrackerOptions) {
    this.#newId = options.newId;
    this.#idleMs = options.idleMs ?? IDLE_MS;
    this.#heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
    this.#visible = options.visible ?? true;
    this.#lastInput = options.now;
    this.#accruedUntil = options.now;
    this.#lastEventAt = options.now;
  }

  get page(): number | null {
    return this.#page;
  }

  /** True when time is currently being counted. */
  counting(now: number): boolean {
    return this.#page !== null && this.#visible && now - this.#lastInput < this.#idleMs;
  }

  /** The most visible page changed (null: no page in view). Reports the old page's remainder, then the arrival. */
  setPage(page: number | null, now: number): PageViewInput[] {
    if (page === this.#page) return [];
    const events = this.#remainder(now);
    this.#page = page;
    this.#accrued = 0;
    this.#accruedUntil = now;
    this.#lastEventAt = now;
    if (page !== null) events.push(this.#event(page, 0));
    return events;
  }

  /** The tab became visible or hidden; hidden time is not counted. */
  setVisible(visible: boolean, now: number): PageViewInput[] {
    if (visible === this.#visible) return [];
    this.#accrue(now);
    this.#visible = visible;
    if (visible) {
      // Coming back to the tab is itself a sign of presence.
      this.#lastInput = now;
    }
    return [];
  }

  /** Any pointer, key, wheel, scroll or touch input: the reader is here. */
  input(now: number): void {
    this.#accrue(now);
    this.#lastInput = now;
  }

  /** Called on a timer (about once a second): emits the heartbeat when due. */
  tick(now: number): PageViewInput[] {
    this.#accrue(now);
    if (now - this.#lastEventAt < this.#heartbeatMs) return [];
    return this.#remainder(now);
  }

  /** Reports everything counted so far on the current page without leaving it (before hiding or unloading). */
  flush(now: number): PageViewInput[] {
    return this.#remainder(now);
  }

  #remainder(now: number): PageViewInput[] {
    this.#accrue(now);
    const ms = Math.floor(this.#accrued);
    if (this.#page === null || ms <= 0) return [];
    this.#accrued -= ms;
    this.#lastEventAt = now;
    return [this.#event(this.#page, ms)];
  }

  /** Adds the counted part of (#accruedUntil, now] to #accrued: visible, on a page, and before the idle cut-off. */
  #accrue(now: number): void {
    const from = this.#accruedUntil;
    if (now <= from) return;
    this.#accruedUntil = now;
    if (this.#page === null || !this.#visible) return;
    const until = Math.min(now, this.#lastInput + this.#idleMs);
    if (until > from) this.#accrued += until - from;
  }

  #event(page: number, durationMs: number): PageViewInput {
    return { id: this.#newId(), page, durationMs };
  }
}
