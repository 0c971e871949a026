// The /feed namespace: a sender's live activity. A socket may pass `after` (last seq seen) and first gets every
// stored event after it, then live ones. Live events are held back while the replay reads the store; any event is
// either in a replay read or published after the socket registered, so with `lastSeq` nothing is missed or sent twice.
import type { Namespace, Server, Socket } from 'socket.io';
import type { Accounts, Sender } from '../accounts/senders.ts';
import { authenticate } from '../accounts/identity.ts';
import { signInRequired } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { EventStore } from '../tracking/event-store.ts';
import { TurnCoalescer } from './coalesce.ts';
import { refusal } from './errors.ts';
import type { PresenceBoard } from './presence.ts';
import type { ActivityEvent, DocumentUpdate, FeedClientEvents, FeedServerEvents, Presence } from './protocol.ts';

interface FeedData {
  sender: Sender;
  lastSeq: number;
  /** Live events held back during replay; null once live. */
  held: ActivityEvent[] | null;
}
type FeedSocket = Socket<FeedClientEvents, FeedServerEvents, Record<string, never>, FeedData>;

const PAGE = 500;

export class FeedHub {
  private readonly bySender = new Map<string, Set<FeedSocket>>();
  private readonly turn = new TurnCoalescer();
  private readonly d: { accounts: Accounts; events: EventStore; presence: PresenceBoard; logger: Logger };

  constructor(d: { accounts: Accounts; events: EventStore; presence: PresenceBoard; logger: Logger }) {
    this.d = d;
  }

  attach(io: Server): Namespace<FeedClientEvents, FeedServerEvents, Record<string, never>, FeedData> {
    const nsp = io.of('/feed') as unknown as Namespace<FeedClientEvents, FeedServerEvents, Record<string, never>, FeedData>;
    nsp.use(async (socket, next) => {
      const token = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : undefined;
      const auth = await authenticate(this.d.accounts, socket.request, token).catch(() => null);
      if (!auth) return next(refusal(signInRequired()));
      socket.data.sender = auth.sender;
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
    socket.on('disconnect', () => {
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
