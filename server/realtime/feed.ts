// The /feed namespace: a sender's live activity. A socket may pass `after` (last seq seen) and first gets every
// stored event after it, then live ones. Live events are held back while the replay reads the store; any event is
// either in a replay read or published after the socket registered, so with `lastSeq` nothing is missed or sent twice.
import type { Namespace, Server, Socket } from 'socket.io';
import type { Accounts, Sender } from '../accounts/senders.ts';
import { authenticate } from '../accounts/identity.ts';
import { cookieFromForeignOrigin, signInRequired } from '../errors.ts';
import { fromOwnPages } from './origin.ts';
import type { Logger } from '../logger.ts';
import type { EventStore } from '../tracking/event-store.ts';
import { TurnCoalescer } from './coalesce.ts';
import { refusal } from './errors.ts';
import type { PresenceBoard } from './presence.ts';
import type { ActivityEvent, DocumentUpdate, FeedClientEvents, FeedServerEvents, Presence } from './protocol.ts';

interface FeedData {
  sender: Sender;
  /** The API token id or session hash the socket signed in with: revoking it or signing out closes the socket. */
  credential: string;
  /** A session's end (ms since epoch); null for a token. */
  expiresAtMs: number | null;
  lastSeq: number;
  /** Live events held back during replay; null once live. */
  held: ActivityEvent[] | null;
}
type FeedSocket = Socket<FeedClientEvents, FeedServerEvents, Record<string, never>, FeedData>;

const PAGE = 500;
/** Longest a timer may be set for (setTimeout's limit); a later session end is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface FeedDeps {
  accounts: Accounts;
  events: EventStore;
  presence: PresenceBoard;
  logger: Logger;
  /** Cookies are believed only on sockets opened from this origin's pages. */
  publicUrl: string;
}

export class FeedHub {
  private readonly bySender = new Map<string, Set<FeedSocket>>();
  private readonly turn = new TurnCoalescer();
  private readonly d: FeedDeps;

  constructor(d: FeedDeps) {
    this.d = d;
  }

  attach(io: Server): Namespace<FeedClientEvents, FeedServerEvents, Record<string, never>, FeedData> {
    const nsp = io.of('/feed') as unknown as Namespace<
      FeedClientEvents,
      FeedServerEvents,
      Record<string, never>,
      FeedData
    >;
    nsp.use(async (socket, next) => {
      const token = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : undefined;
      const auth = await authenticate(this.d.accounts, socket.request, token).catch(() => null);
      if (!auth) return next(refusal(signInRequired()));
      if (auth.via === 'session' && !fromOwnPages(socket.request, this.d.publicUrl))
        return next(refusal(cookieFromForeignOrigin()));
      socket.data.sender = auth.sender;
      socket.data.credential = auth.credential;
      socket.data.expiresAtMs = auth.via === 'session' ? Date.parse(auth.expiresAt) : null;
      next();
    });
    nsp.on('connection', (socket) => {
      this.connected(socket).catch((err: unknown) => {
        this.d.logger.error({ err }, 'feed replay failed');
        socket.disconnect(true);
      });
    });
    return nsp;
  }

  private async connected(socket: FeedSocket): Promise<void> {
    const id = socket.data.sender.id;
    const after = Number(socket.handshake.auth?.after);
    const replay = Number.isSafeInteger(after) && after >= 0;
    socket.data.lastSeq = replay ? after : 0;
    socket.data.held = replay ? [] : null;
    let set = this.bySender.get(id);
    if (!set) this.bySender.set(id, (set = new Set()));
    set.add(socket);
    socket.join(`sender:${id}`);
    const expiry = this.watchExpiry(socket);
    socket.on('disconnect', () => {
      if (expiry) clearTimeout(expiry.timer);
      set.delete(socket);
      if (!set.size) this.bySender.delete(id);
    });
    socket.emit('presence:snapshot', this.d.presence.of(id));
    if (!replay) return;
    for (;;) {
      const rows = await this.d.events.after(id, socket.data.lastSeq, PAGE);
      for (const e of rows) this.deliver(socket, e);
      if (rows.length < PAGE || !socket.connected) break;
    }
    const held = socket.data.held ?? [];
    socket.data.held = null;
    for (const e of held.sort((a, b) => a.seq - b.seq)) this.deliver(socket, e);
  }

  /** A session's socket closes when the session ends (checked again at the end, in case it was renewed). */
  private watchExpiry(socket: FeedSocket): { timer: NodeJS.Timeout } | null {
    if (socket.data.expiresAtMs === null) return null;
    const handle = { timer: undefined as unknown as NodeJS.Timeout };
    const arm = (atMs: number) => {
      handle.timer = setTimeout(
        async () => {
          if (!socket.connected) return;
          if (Date.now() < atMs) return arm(atMs);
          const live = await this.d.accounts.sessionLive(socket.data.credential).catch(() => false);
          if (live) arm(Date.now() + 60_000);
          else socket.disconnect(true);
        },
        Math.min(MAX_TIMER_MS, Math.max(0, atMs - Date.now())),
      );
      handle.timer.unref();
    };
    arm(socket.data.expiresAtMs);
    return handle;
  }

  /** Signing out and revoking a token end the feeds opened with them at once. */
  dropCredential(senderId: string, credential: string): void {
    for (const s of [...(this.bySender.get(senderId) ?? [])]) if (s.data.credential === credential) s.disconnect(true);
  }

  private deliver(socket: FeedSocket, e: ActivityEvent): void {
    if (e.seq <= socket.data.lastSeq) return;
    socket.data.lastSeq = e.seq;
    this.turn.hold(socket);
    socket.emit('feed:activity', e);
  }

  publish(senderId: string, e: ActivityEvent): void {
    for (const s of this.bySender.get(senderId) ?? []) {
      if (s.data.held) s.data.held.push(e);
      else this.deliver(s, e);
    }
  }

  presenceChanged(senderId: string, kind: 'update' | 'leave', p: Presence): void {
    for (const s of this.bySender.get(senderId) ?? []) {
      // Not volatile: updates come only on arrival and page changes, and a dropped one would leave a stale page shown.
      this.turn.hold(s);
      if (kind === 'update') s.emit('presence:update', p);
      else s.emit('presence:leave', p.visitId);
    }
  }

  documentUpdated(senderId: string, doc: DocumentUpdate): void {
    for (const s of this.bySender.get(senderId) ?? []) s.emit('document:updated', doc);
  }
}
