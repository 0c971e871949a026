// The /feed socket, opened by useLiveFeed once per signed-in app. The session cookie authenticates it; `after`
// (the highest seq seen) is sent on every (re)connect so the server replays what was missed, and seqs seen are dropped.

import { io, type Socket } from 'socket.io-client';
import type {
  ActivityEvent,
  FeedAuth,
  FeedClientEvents,
  FeedServerEvents,
  Presence,
} from '../../../server/realtime/protocol.ts';

export interface FeedHandlers {
  activity(event: ActivityEvent): void;
  presenceSnapshot(readers: Presence[]): void;
  presenceUpdate(reader: Presence): void;
  presenceLeave(visitId: string): void;
  documentUpdated(doc: { id: string; status: string; pageCount: number | null }): void;
  connection(state: 'live' | 'reconnecting' | 'offline'): void;
  /** The session ended (expired or signed out elsewhere). */
  unauthorized(): void;
}

/** Remembering every seq would grow forever; a window this wide covers any replay overlap. */
const SEEN_WINDOW = 5000;

export class FeedClient {
  readonly #socket: Socket<FeedServerEvents, FeedClientEvents>;
  readonly #seen = new Set<number>();
  #lastSeq: number | null;

  /** `lastSeq`: the highest seq of the history already shown, so the server replays only what follows. */
  constructor(handlers: FeedHandlers, lastSeq: number | null) {
    this.#lastSeq = lastSeq;
    this.#socket = io('/feed', {
      // Websocket first: one connection that stays on one instance, so a load balancer needs no sticky sessions.
      // Long-polling only where websockets are blocked (that fallback needs stickiness with several instances).
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      withCredentials: true,
      // Called on every (re)connect, so the handshake always carries the latest seq.
      auth: (cb) => {
        const auth: FeedAuth = {};
        if (this.#lastSeq !== null) auth.after = this.#lastSeq;
        cb(auth);
      },
    });
    this.#socket.on('connect', () => handlers.connection('live'));
    this.#socket.on('disconnect', () => handlers.connection('reconnecting'));
    this.#socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      if (!this.#socket.active && err.data?.code === 'unauthorized') handlers.unauthorized();
      else handlers.connection(this.#socket.active ? 'reconnecting' : 'offline');
    });
    this.#socket.on('feed:activity', (event) => {
      if (!this.accept(event.seq)) return;
      handlers.activity(event);
    });
    this.#socket.on('presence:snapshot', (readers) => handlers.presenceSnapshot(readers));
    this.#socket.on('presence:update', (reader) => handlers.presenceUpdate(reader));
    this.#socket.on('presence:leave', (visitId) => handlers.presenceLeave(visitId));
    this.#socket.on('document:updated', (doc) => handlers.documentUpdated(doc));
  }

  /** Marks history events (loaded over HTTP) as seen, so a replay of them is dropped. */
  accept(seq: number): boolean {
    if (this.#seen.has(seq)) return false;
    this.#seen.add(seq);
    if (this.#seen.size > SEEN_WINDOW) {
      const oldest = this.#seen.values().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
    if (this.#lastSeq === null || seq > this.#lastSeq) this.#lastSeq = seq;
    return true;
  }

  close(): void {
    this.#socket.close();
  }
}
