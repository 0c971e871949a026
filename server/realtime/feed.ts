// The /feed namespace: a sender's live activity. A socket may pass `after` (last seq seen) and first gets every
// stored event after it, then live ones. Live events are held back while the replay reads the store; any event is
// either in a replay read or published after the socket registered, so with `lastSeq` nothing is missed or sent twice.
// With several instances each one relays the events it stored to the others (the socket.io adapter's server-side
// emit over Redis); events from two instances may cross on the way, so live events go out in seq order: one that
// comes early waits for the ones before it, and a gap not filled within GAP_WAIT_MS is read from the store.
// Presence, document status and credential ends go to rooms, which the adapter fans out to every instance.
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
  /** Live events that came before an earlier one (another instance's, still on its way), by seq. */
  early: Map<number, ActivityEvent>;
  gapTimer: NodeJS.Timeout | null;
}
type FeedSocket = Socket<FeedClientEvents, FeedServerEvents, Record<string, never>, FeedData>;

const PAGE = 500;
/** How long a live event waits for an earlier one before the gap is read from the store. */
const GAP_WAIT_MS = 1000;
/** The server-side event carrying stored events between instances. */
const RELAY = 'feed:stored';
const senderRoom = (id: string) => `sender:${id}`;
const credentialRoom = (senderId: string, credential: string) => `credential:${senderId}:${credential}`;
/** Longest a timer may be set for (setTimeout's limit); a later session end is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface FeedDeps {
  accounts: Accounts;
  events: EventStore;
  presence: PresenceBoard;
  logger: Logger;
  /** Cookies are believed only on sockets opened from this origin's pages. */
  publicUrl: string;
  /** Other instances share the adapter (Redis): stored events are relayed to them. */
  relay: boolean;
}
type FeedNsp = Namespace<FeedClientEvents, FeedServerEvents, Record<string, never>, FeedData>;

export class FeedHub {
  private readonly bySender = new Map<string, Set<FeedSocket>>();
  private readonly turn = new TurnCoalescer();
  private readonly d: FeedDeps;
  private nsp: FeedNsp | null = null;

  constructor(d: FeedDeps) {
    this.d = d;
  }

  attach(io: Server): FeedNsp {
    const nsp = io.of('/feed') as unknown as FeedNsp;
    this.nsp = nsp;
    if (this.d.relay)
      (nsp as unknown as Namespace).on(RELAY, (senderId: string, e: ActivityEvent) => this.deliverLocal(senderId, e));
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
    // Live events are held until the snapshot (and the replay) went out. Without `after` the socket starts from
    // whatever comes live first.
    socket.data.lastSeq = replay ? after : -1;
    socket.data.held = [];
    socket.data.early = new Map();
    socket.data.gapTimer = null;
    let set = this.bySender.get(id);
    if (!set) this.bySender.set(id, (set = new Set()));
    set.add(socket);
    socket.join([senderRoom(id), credentialRoom(id, socket.data.credential)]);
    const expiry = this.watchExpiry(socket);
    socket.on('disconnect', () => {
      if (expiry) clearTimeout(expiry.timer);
      if (socket.data.gapTimer) clearTimeout(socket.data.gapTimer);
      set.delete(socket);
      if (!set.size) this.bySender.delete(id);
    });
    socket.emit('presence:snapshot', await this.d.presence.of(id));
    if (replay) await this.fromStore(socket);
    const held = socket.data.held ?? [];
    socket.data.held = null;
    for (const e of held.sort((a, b) => a.seq - b.seq)) this.deliver(socket, e);
  }

  /** Every stored event after the socket's last seq, in order (gaps there are deleted events). */
  private async fromStore(socket: FeedSocket): Promise<void> {
    for (;;) {
      const rows = await this.d.events.after(socket.data.sender.id, socket.data.lastSeq, PAGE);
      for (const e of rows) this.send(socket, e);
      if (rows.length < PAGE || !socket.connected) break;
    }
    this.sendEarly(socket);
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

  /** Signing out and revoking a token end the feeds opened with them at once, on every instance. */
  dropCredential(senderId: string, credential: string): void {
    this.nsp?.in(credentialRoom(senderId, credential)).disconnectSockets(true);
  }

  private send(socket: FeedSocket, e: ActivityEvent): void {
    if (e.seq <= socket.data.lastSeq) return;
    socket.data.lastSeq = e.seq;
    this.turn.hold(socket);
    socket.emit('feed:activity', e);
  }

  /** A live event: sent when it is the next one, else kept until the ones before it arrive or are read. */
  private deliver(socket: FeedSocket, e: ActivityEvent): void {
    const last = socket.data.lastSeq;
    if (e.seq <= last) return;
    if (last >= 0 && e.seq > last + 1) {
      socket.data.early.set(e.seq, e);
      socket.data.gapTimer ??= setTimeout(() => {
        socket.data.gapTimer = null;
        if (!socket.connected) return;
        this.fromStore(socket).catch((err: unknown) => this.d.logger.error({ err }, 'feed gap read failed'));
      }, GAP_WAIT_MS);
      return;
    }
    this.send(socket, e);
    this.sendEarly(socket);
  }

  /** Sends the kept events that are now next; drops the ones already sent. */
  private sendEarly(socket: FeedSocket): void {
    const early = socket.data.early;
    for (let next = early.get(socket.data.lastSeq + 1); next; next = early.get(socket.data.lastSeq + 1)) {
      early.delete(next.seq);
      this.send(socket, next);
    }
    for (const seq of early.keys()) if (seq <= socket.data.lastSeq) early.delete(seq);
    if (!early.size && socket.data.gapTimer) {
      clearTimeout(socket.data.gapTimer);
      socket.data.gapTimer = null;
    }
  }

  private deliverLocal(senderId: string, e: ActivityEvent): void {
    for (const s of this.bySender.get(senderId) ?? []) {
      if (s.data.held) s.data.held.push(e);
      else this.deliver(s, e);
    }
  }

  /** An event this instance stored: to its own feed sockets, and to the other instances'. */
  publish(senderId: string, e: ActivityEvent): void {
    this.deliverLocal(senderId, e);
    if (this.d.relay) (this.nsp as unknown as Namespace | null)?.serverSideEmit(RELAY, senderId, e);
  }

  // Not volatile: presence updates come only on arrival and page changes, and a dropped one would leave a stale
  // page shown.
  presenceChanged(senderId: string, kind: 'update' | 'leave', p: Presence): void {
    // Written with this turn's activity frames (a page change comes with the page event that made it).
    for (const s of this.bySender.get(senderId) ?? []) this.turn.hold(s);
    const room = this.nsp?.to(senderRoom(senderId));
    if (kind === 'update') room?.emit('presence:update', p);
    else room?.emit('presence:leave', p.visitId);
  }

  documentUpdated(senderId: string, doc: DocumentUpdate): void {
    this.nsp?.to(senderRoom(senderId)).emit('document:updated', doc);
  }
}
