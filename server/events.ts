// The domain event bus: producers emit what happened, features subscribe, and neither knows the other.
// In-process and synchronous (a listener runs before emit returns, so "stored, then published" keeps its order);
// a fan-out across processes can plug in behind the same interface.
import { EventEmitter } from 'node:events';
import type { ActivityEvent, DocumentUpdate, Presence, VisitReport } from './domain-types.ts';

export interface DomainEventMap {
  /** An event was stored (it has its seq): the feed shows it. */
  'event:stored': { senderId: string; event: ActivityEvent };
  /** A document changed status (a conversion ended). */
  'document:updated': { senderId: string; document: DocumentUpdate };
  /** A document's processing ended (ready or failed), with the time it took: for metrics. */
  'document:processed': { senderId: string; format: string; status: 'ready' | 'failed'; convertMs: number | null };
  /** A copy was handed to the upstream mail server: accepted, to be tried again, or refused for good. */
  'mail:delivery': { outcome: 'sent' | 'deferred' | 'refused' };
  /** A webhook delivery attempt ended: accepted, to be tried again, or given up. */
  'webhook:delivery': { outcome: 'delivered' | 'pending' | 'failed' };
  /** A document was deleted with its links and events: its readers are turned away. */
  'document:deleted': { senderId: string; documentId: string };
  /** A link was revoked: its readers are turned away. */
  'link:revoked': { senderId: string; linkId: string };
  /** A dashboard session was signed out (identified by its stored hash): sockets opened with it close. */
  'session:ended': { senderId: string; sessionHash: string };
  /** An API token was revoked: sockets opened with it close. */
  'token:revoked': { senderId: string; tokenId: string };
  /** Someone started reading, moved to another page, or left. */
  'presence:changed': { senderId: string; kind: 'update' | 'leave'; presence: Presence };
  /** The last reader of a visit left (sockets closed, requests done); it ends unless they come back in time. */
  'visit:left': {
    senderId: string;
    visitId: string;
    at: string;
    /** A visit opened here whose reader never reported human input (server/signals judges it). */
    noInput?: boolean;
  };
  /** A visit ended (no reader came back within the gap): what was read, page by page (the notify module). */
  'visit:ended': { senderId: string; visit: VisitReport };
  /** A tracked message was sent through Pagetrail (the mail module). */
  'message:sent': { senderId: string; messageId: string; recipients: string[] };
  /** A reply (or automatic reply, or bounce) to a tracked message was stored (the replies module). */
  'reply:received': {
    senderId: string;
    messageId: string;
    from: string;
    kind: 'reply' | 'auto_reply' | 'bounce';
    event: ActivityEvent;
  };
  /** A sender's IMAP mailbox settings were saved or removed: the poller reconnects or stops. */
  'mailbox:changed': { senderId: string };
}

export type DomainEventName = keyof DomainEventMap;
export type DomainListener<K extends DomainEventName> = (payload: DomainEventMap[K]) => void;
/** What a feature listens to: at most one listener per event name. */
export type Subscriptions = { [K in DomainEventName]?: DomainListener<K> };

export class DomainEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every feature may listen; the default warning at 10 listeners would only be noise here.
    this.emitter.setMaxListeners(0);
  }

  emit<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): void {
    this.emitter.emit(name, payload);
  }

  on<K extends DomainEventName>(name: K, listener: DomainListener<K>): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }

  /** Subscribes each listener of `subs`; the returned function unsubscribes them all. */
  subscribe(subs: Subscriptions): () => void {
    const offs = Object.entries(subs).map(([name, fn]) =>
      this.on(name as DomainEventName, fn as DomainListener<DomainEventName>),
    );
    return () => offs.forEach((off) => off());
  }
}
