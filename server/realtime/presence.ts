// Who is reading right now: one entry per live visit; changes go out on the bus (`presence:changed`) to the feed.
import type { Presence } from '../domain-types.ts';
import type { DomainEvents } from '../events.ts';

interface Entry extends Presence {
  senderId: string;
  sockets: number;
}

export class PresenceBoard {
  private readonly live = new Map<string, Entry>();
  private readonly bus: DomainEvents;

  constructor(bus: DomainEvents) {
    this.bus = bus;
  }

  private emit(senderId: string, kind: 'update' | 'leave', presence: Presence): void {
    this.bus.emit('presence:changed', { senderId, kind, presence });
  }

  join(senderId: string, p: Presence): void {
    const e = this.live.get(p.visitId);
    if (e) e.sockets++;
    else this.live.set(p.visitId, { ...p, senderId, sockets: 1 });
    this.emit(senderId, 'update', this.public(this.live.get(p.visitId)!));
  }

  page(visitId: string, page: number): void {
    const e = this.live.get(visitId);
    if (!e || e.page === page) return;
    e.page = page;
    e.pageSince = new Date().toISOString();
    this.emit(e.senderId, 'update', this.public(e));
  }

  /** True when the visit's last socket has gone. */
  leave(visitId: string): boolean {
    const e = this.live.get(visitId);
    if (!e) return true;
    if (--e.sockets > 0) return false;
    this.live.delete(visitId);
    this.emit(e.senderId, 'leave', this.public(e));
    return true;
  }

  of(senderId: string): Presence[] {
    return [...this.live.values()].filter((e) => e.senderId === senderId).map((e) => this.public(e));
  }

  private public(e: Entry): Presence {
    const { senderId: _s, sockets: _n, ...p } = e;
    return p;
  }
}
