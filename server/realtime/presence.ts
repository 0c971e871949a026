// Who is reading right now: one entry per live visit; changes go out on the bus (`presence:changed`) to the feed.
// This instance counts its own sockets per visit. With several instances a shared store (Redis) holds everyone's
// entries, each confirmed by its instance every third of the TTL, so an instance that dies leaves nobody listed
// for longer than the TTL: whichever instance sweeps an expired entry announces the reader gone.
import type { Presence } from '../domain-types.ts';
import type { DomainEvents } from '../events.ts';
import type { Logger } from '../logger.ts';

interface Entry extends Presence {
  senderId: string;
  sockets: number;
}

export interface PresenceStore {
  put(entries: { senderId: string; presence: Presence }[]): Promise<void>;
  remove(senderId: string, visitId: string): Promise<void>;
  of(senderId: string): Promise<Presence[]>;
  /** Entries no instance confirmed within the TTL: removed, and each returned to one caller only. */
  expired(): Promise<{ senderId: string; presence: Presence }[]>;
}

export class PresenceBoard {
  private readonly live = new Map<string, Entry>();
  private readonly bus: DomainEvents;
  private readonly store: PresenceStore | null;
  private readonly logger: Logger | null;
  private readonly timer: NodeJS.Timeout | null = null;

  constructor(bus: DomainEvents, shared?: { store: PresenceStore; ttlMs: number; logger: Logger }) {
    this.bus = bus;
    this.store = shared?.store ?? null;
    this.logger = shared?.logger ?? null;
    if (shared) {
      this.timer = setInterval(() => void this.confirm(), Math.max(1000, Math.floor(shared.ttlMs / 3)));
      this.timer.unref();
    }
  }

  private emit(senderId: string, kind: 'update' | 'leave', presence: Presence): void {
    this.bus.emit('presence:changed', { senderId, kind, presence });
  }

  /** A shared-store write that fails is logged; the next confirmation writes the entry again. */
  private shared(what: string, op: (store: PresenceStore) => Promise<unknown>): void {
    if (this.store) op(this.store).catch((err: unknown) => this.logger?.warn({ err }, `presence ${what} failed`));
  }

  join(senderId: string, p: Presence): void {
    const e = this.live.get(p.visitId);
    if (e) e.sockets++;
    else this.live.set(p.visitId, { ...p, senderId, sockets: 1 });
    const presence = this.public(this.live.get(p.visitId)!);
    this.shared('put', (s) => s.put([{ senderId, presence }]));
    this.emit(senderId, 'update', presence);
  }

  page(visitId: string, page: number): void {
    const e = this.live.get(visitId);
    if (!e || e.page === page) return;
    e.page = page;
    e.pageSince = new Date().toISOString();
    const presence = this.public(e);
    this.shared('put', (s) => s.put([{ senderId: e.senderId, presence }]));
    this.emit(e.senderId, 'update', presence);
  }

  /** True when the visit's last socket has gone. */
  leave(visitId: string): boolean {
    const e = this.live.get(visitId);
    if (!e) return true;
    if (--e.sockets > 0) return false;
    this.live.delete(visitId);
    this.shared('remove', (s) => s.remove(e.senderId, visitId));
    this.emit(e.senderId, 'leave', this.public(e));
    return true;
  }

  async of(senderId: string): Promise<Presence[]> {
    if (this.store) return this.store.of(senderId);
    return [...this.live.values()].filter((e) => e.senderId === senderId).map((e) => this.public(e));
  }

  /** Re-confirms this instance's readers, then announces the ones whose instance stopped confirming them. */
  private async confirm(): Promise<void> {
    if (!this.store) return;
    try {
      await this.store.put([...this.live.values()].map((e) => ({ senderId: e.senderId, presence: this.public(e) })));
      for (const { senderId, presence } of await this.store.expired()) {
        if (!this.live.has(presence.visitId)) this.emit(senderId, 'leave', presence);
      }
    } catch (err) {
      this.logger?.warn({ err }, 'presence confirmation failed');
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private public(e: Entry): Presence {
    const { senderId: _s, sockets: _n, ...p } = e;
    return p;
  }
}
