// Carries page events to the server: the /viewer socket while the page is alive, sendBeacon when it
// is being hidden or unloaded (a socket write may never leave the browser at that point). Unacknowledged
// events and their visit are kept in sessionStorage, so a reload resumes the visit and re-sends them.

import { io, type Socket } from 'socket.io-client';
import type {
  BeaconBody,
  FileTokenInfo,
  PageViewInput,
  ViewerAuth,
  ViewerClientEvents,
  ViewerServerEvents,
  VisitInfo,
} from '../../server/realtime/protocol.ts';
import { Outbox, type OutboxStore } from './tracking-outbox.ts';

/** How long to wait for a page:view ack before leaving the event for the next (re)send. */
const ACK_TIMEOUT_MS = 10_000;
/** The most events one beacon may carry (the server's beacon schema). */
const BEACON_MAX_EVENTS = 20;
/** After a refused handshake that is not final (rate limit, server error), wait this long before retrying. */
const REFUSED_RETRY_MS = 15_000;
/** Refusals worth re-sending later: the event itself was fine. */
const RETRYABLE = new Set(['rate_limited', 'internal_error']);
/** Handshake refusals of the link's access rules: final, and told to the reader. */
const REFUSED = new Set(['access_required', 'access_denied', 'view_limit_reached']);

export interface TransportHandlers {
  onVisit?: (info: VisitInfo) => void;
  /** A fresh file token for the visit (renewed before the last one expires). */
  onFileToken?: (info: FileTokenInfo) => void;
  /** The link was revoked or expired while reading, or the server refused the connection. */
  onUnavailable?: () => void;
  /** The link's access rules turned the connection away (the code says which). */
  onRefused?: (code: string) => void;
}

/** The tab's sessionStorage, or none where the browser refuses it (sandboxed frames, some privacy modes). */
function tabStore(): OutboxStore | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export class TrackingTransport {
  readonly outbox: Outbox;
  readonly #token: string;
  readonly #socket: Socket<ViewerServerEvents, ViewerClientEvents>;
  readonly #inFlight = new Set<string>();
  #visitId: string | null = null;
  /** True between visit:started and disconnect: events may be emitted. */
  #ready = false;
  /** The first human input: `pending` until told to the server (once per page). */
  #input: 'none' | 'pending' | 'sent' = 'none';

  constructor(token: string, handlers: TransportHandlers = {}, ticket?: string) {
    this.#token = token;
    this.outbox = new Outbox({ store: tabStore(), key: `pagetrail.outbox.${token}` });
    // A reload continues the visit its unacknowledged events belong to.
    this.#visitId = this.outbox.visitId;
    this.#socket = io('/viewer', {
      // Websocket first: one connection that stays on one instance, so a load balancer needs no sticky sessions.
      // Long-polling only where websockets are blocked (that fallback needs stickiness with several instances).
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      // A function, so a reconnect continues the same visit instead of starting a new one.
      auth: (cb) => {
        const auth: ViewerAuth = { token: this.#token };
        if (this.#visitId) auth.visitId = this.#visitId;
        if (ticket) auth.ticket = ticket;
        cb(auth);
      },
    });
    this.#socket.on('visit:started', (info) => {
      this.#visitId = info.visitId;
      // Events kept from a visit that could not be resumed (never stored: a visit is stored with its first
      // event) go on this one.
      this.outbox.setVisit(info.visitId);
      this.#ready = true;
      this.#inFlight.clear();
      handlers.onVisit?.(info);
      this.#sendPending();
      this.#sendInput();
    });
    this.#socket.on('visit:file', (info) => handlers.onFileToken?.(info));
    this.#socket.on('disconnect', () => {
      this.#ready = false;
    });
    this.#socket.on('link:revoked', () => {
      this.#ready = false;
      handlers.onUnavailable?.();
    });
    this.#socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      // `active` is false when the server refused the handshake; otherwise it is a network
      // failure and socket.io keeps retrying by itself.
      if (this.#socket.active) return;
      if (err.data?.code === 'link_unavailable') handlers.onUnavailable?.();
      else if (REFUSED.has(err.data?.code ?? '')) handlers.onRefused?.(err.data!.code!);
      // Rate limits and server hiccups pass: try again later, by hand, since socket.io will not.
      else setTimeout(() => this.#socket.connect(), REFUSED_RETRY_MS);
    });
  }

  /** Queues events and sends everything unacknowledged at once when connected; events stay queued until acknowledged. */
  send(events: PageViewInput[]): void {
    this.outbox.add(events);
    this.#sendPending();
  }

  /**
   * Hands every unacknowledged event to sendBeacon, which survives the page going away. Returns
   * false when nothing could be handed over (no visit yet, or the browser refused). Either way the
   * events stay in the outbox until the socket's ack: a beacon is never answered, and the server
   * stores an event once whether the beacon or the socket brings it first.
   */
  beacon(): boolean {
    const visitId = this.outbox.visitId;
    if (!visitId || this.outbox.size === 0 || typeof navigator.sendBeacon !== 'function') return false;
    const events = this.outbox.pending();
    let queued = false;
    for (let i = 0; i < events.length; i += BEACON_MAX_EVENTS) {
      const body: BeaconBody = { visitId, events: events.slice(i, i + BEACON_MAX_EVENTS) };
      const blob = new Blob([JSON.stringify(body)], { type: 'application/json' });
      if (!navigator.sendBeacon(`/v/${encodeURIComponent(this.#token)}/beacon`, blob)) break;
      queued = true;
    }
    return queued;
  }

  /** A person touched, typed, pointed or scrolled: told once, as soon as the visit is live. */
  reportInput(): void {
    if (this.#input !== 'none') return;
    this.#input = 'pending';
    this.#sendInput();
  }

  #sendInput(): void {
    if (!this.#ready || this.#input !== 'pending') return;
    this.#input = 'sent';
    this.#socket.emit('visit:input');
  }

  close(): void {
    this.#ready = false;
    this.#socket.close();
  }

  #sendPending(): void {
    if (!this.#ready) return;
    for (const event of this.outbox.pending()) {
      if (this.#inFlight.has(event.id)) continue;
      this.#inFlight.add(event.id);
      this.#socket.timeout(ACK_TIMEOUT_MS).emit('page:view', event, (err, reply) => {
        this.#inFlight.delete(event.id);
        // A timeout leaves the event queued: it goes again on the next reconnect or send.
        if (err) return;
        if ('error' in reply) {
          if (RETRYABLE.has(reply.error.code)) return;
          console.warn('page:view refused', reply.error.code);
        }
        // Stored, a duplicate, or refused as invalid: re-sending would not change the answer.
        this.outbox.settle(event.id);
      });
    }
  }
}
