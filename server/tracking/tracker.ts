// Records what link holders do: validate -> enrich (device, place, machine/human, self) -> store -> publish.
import { createHash } from 'node:crypto';
import type { Db, NewEvent, VisitRow } from '../../storage/db/index.ts';
import type { ClientInfo } from '../accounts/identity.ts';
import { newSortableId } from '../ids.ts';
import type { ResolvedLink } from '../documents/links.ts';
import {
  eventLate,
  eventRateLimited,
  invalidBeacon,
  invalidDuration,
  invalidEvent,
  invalidPage,
  linkExpired,
  notFound,
  visitRateLimited,
} from '../errors.ts';
import type { DeviceInfo, LocationInfo, PageViewInput } from '../domain-types.ts';
import type { GeoLookup } from './enrich.ts';
import { agentInfoAsync } from './user-agent.ts';
import type { EventStore, Stored } from './event-store.ts';
import type { DomainEvents } from '../events.ts';
import { networkOf, otherPlace, samePlace, type Place } from './place.ts';
import { beaconBody, pageViewInput } from './page-view.schema.ts';
import { RateLimiter } from '../rate-limit.ts';

export interface VisitState {
  id: string;
  linkId: string;
  documentId: string;
  senderId: string;
  recipient: string | null;
  /** The link's expiry (ms since epoch), if it has one: events stop being taken after it. */
  expiresAtMs: number | null;
  pageCount: number;
  startedAtMs: number;
  accountedMs: number;
  device: DeviceInfo | null;
  location: LocationInfo | null;
  /** Last time we heard from the visit (ms since epoch); while a socket holds it, that is now. */
  lastContactMs: number;
  /** Sockets holding the visit; its state is kept in memory only while this is above zero or a request uses it. */
  sockets: number;
  /** Holders of the state: sockets and requests in progress (a beacon, a download). */
  users: number;
  limiter: RateLimiter;
  /** Human input (scroll, key, pointer, touch) as the reader reports it: `fresh` a visit opened here, `awaiting` one
   * a reader socket holds that reported none yet, `seen` after the first; `none` a visit resumed from storage (it was
   * judged when it first ended). Only `awaiting` at the end can make a visit a machine's (server/signals). */
  input: 'none' | 'fresh' | 'awaiting' | 'seen';
  /** The event columns every event of this visit shares, made once. */
  columns: Pick<
    NewEvent,
    'sender_id' | 'document_id' | 'link_id' | 'visit_id' | 'recipient' | 'device' | 'location' | 'automated' | 'self'
  >;
}

/** Slack on the wall-time bound: clocks and network delays are not exact. */
const WALL_SLACK_MS = 5000;
/** Events of a visit with no socket are taken this long after its last contact (the reader's closing beacon), no later. */
export const LATE_MS = 60_000;
/** Visits ended within LATE_MS, remembered (visit id -> last contact) so a late beacon is refused, bounded in size. */
const ENDED_MAX = 50_000;

/** Who is reading, for unique viewers and returning visits: the first-party viewer cookie (a browser) when it
 * came, else the address and user agent (scripts, browsers refusing cookies). Stored hashed. */
const viewerKey = (client: ClientInfo) =>
  createHash('sha256')
    .update(client.viewerId ? `c|${client.viewerId}` : `${client.ip}|${client.userAgent ?? ''}`)
    .digest('base64url')
    .slice(0, 22);

export class Tracker {
  private readonly db: Db;
  private readonly store: EventStore;
  private readonly geo: GeoLookup;
  private readonly visits = new Map<string, VisitState>();
  /** Resumes in progress: concurrent beacons or reconnects of one visit share one state (single flight). */
  private readonly resuming = new Map<string, Promise<VisitState | null>>();
  private readonly ended = new Map<string, number>();
  private readonly eventsPer10s: number;
  private readonly reuseMs: number;
  private readonly lateMs: number;
  private readonly keepIp: boolean;
  private readonly bus: DomainEvents | undefined;
  private readonly isOwn: (senderId: string, client: ClientInfo) => Promise<boolean>;

  constructor(d: {
    db: Db;
    store: EventStore;
    geo: GeoLookup;
    /** Whether a client is the sender's own browser or dashboard address (their visits are `self`). */
    isOwn?: (senderId: string, client: ClientInfo) => Promise<boolean>;
    eventsPer10s: number;
    visitReuseMinutes?: number;
    lateMs?: number;
    keepIpAddresses?: boolean;
    /** Where `visit:left` is told (the end of a visit is reported once it can no longer resume). */
    bus?: DomainEvents;
  }) {
    this.db = d.db;
    this.store = d.store;
    this.geo = d.geo;
    this.eventsPer10s = d.eventsPer10s;
    this.reuseMs = (d.visitReuseMinutes ?? 10) * 60_000;
    this.lateMs = d.lateMs ?? LATE_MS;
    this.keepIp = d.keepIpAddresses ?? false;
    this.bus = d.bus;
    this.isOwn = d.isOwn ?? (async () => false);
  }

  /** A reader gone this long (no socket, no request) has ended their visit; coming back later is a new one. */
  get visitGapMs(): number {
    return this.reuseMs;
  }

  /** Visit states held in memory (for tests of what is forgotten). */
  get liveStates(): number {
    return this.visits.size;
  }

  private state(v: VisitRow, resolved: ResolvedLink, accountedMs: number, lastContactMs: number): VisitState {
    const s: VisitState = {
      id: v.id,
      linkId: v.link_id,
      documentId: v.document_id,
      senderId: v.sender_id,
      recipient: resolved.link.recipient,
      expiresAtMs: resolved.link.expires_at ? Date.parse(resolved.link.expires_at) : null,
      pageCount: Number(resolved.document.page_count ?? 0),
      startedAtMs: Date.parse(v.started_at),
      accountedMs,
      device: v.device ? JSON.parse(v.device) : null,
      location: v.location ? JSON.parse(v.location) : null,
      lastContactMs,
      sockets: 0,
      users: 0,
      limiter: new RateLimiter(this.eventsPer10s, 10_000),
      input: 'none',
      columns: {
        sender_id: v.sender_id,
        document_id: v.document_id,
        link_id: v.link_id,
        visit_id: v.id,
        recipient: resolved.link.recipient,
        device: v.device,
        location: v.location,
        automated: v.automated,
        self: v.self,
      },
    };
    this.visits.set(v.id, s);
    return s;
  }

  private base(s: VisitState) {
    return { ...s.columns, at: new Date().toISOString() };
  }

  /** A new visit begins: stored with its `open` event, in one transaction (on the event writer, so opening a visit
   * never makes the event loop wait for the database's write lock). */
  async openVisit(resolved: ResolvedLink, client: ClientInfo): Promise<VisitState> {
    // The same browser back within the gap continues its visit (a reload, a second look after a pause).
    const back = client.viewerId ? await this.recentVisit(resolved, client, true) : null;
    if (back) return back;
    const now = new Date().toISOString();
    const senderId = resolved.link.sender_id;
    const [agent, location, own] = await Promise.all([
      agentInfoAsync(client.userAgent),
      this.geo.lookup(client.ip),
      client.signedInSenderId === senderId || this.isOwn(senderId, client),
    ]);
    const device = agent.device;
    const row: VisitRow = {
      // Time-ordered: live visits are recent ones, so their rows in visit_totals sit together.
      id: newSortableId('vis'),
      link_id: resolved.link.id,
      document_id: resolved.document.id,
      sender_id: resolved.link.sender_id,
      started_at: now,
      last_seen_at: now,
      viewer_key: viewerKey(client),
      device: JSON.stringify(device),
      location: location ? JSON.stringify(location) : null,
      automated: agent.automated ? 1 : 0,
      self: own ? 1 : 0,
      network: networkOf(client.ip),
      ip: this.keepIp ? client.ip : null,
      device_type: device.type,
      browser: device.browser,
      country: location?.country ?? null,
      city: location?.city ?? null,
      lat: location?.lat ?? null,
      lon: location?.lon ?? null,
      viewer: resolved.link.recipient ?? viewerKey(client),
    };
    const forwarded = await this.forwarded(resolved, row, location);
    row.forwarded = forwarded ? 1 : 0;
    const s = this.state(row, resolved, 0, Date.now());
    s.input = 'fresh';
    s.users++;
    try {
      await this.store.append({ ...this.base(s), type: 'open' }, row);
      if (forwarded) await this.store.append({ ...this.base(s), type: 'forward' });
    } catch (err) {
      this.release(s);
      throw err;
    }
    return s;
  }

  /** A per-recipient link opened by a browser that never opened it before, somewhere none of its earlier readers
   * were: the recipient probably forwarded it. The sender's own and automated visits neither count nor compare. */
  private async forwarded(resolved: ResolvedLink, row: VisitRow, location: Place['location']): Promise<boolean> {
    if (!resolved.link.recipient || row.self || row.automated) return false;
    const earlier = await this.db
      .selectFrom('visits')
      .select(['viewer_key', 'network', 'location'])
      .where('link_id', '=', row.link_id)
      .where('self', '=', 0)
      .where('automated', '=', 0)
      .limit(200)
      .execute();
    if (!earlier.length) return false;
    const here: Place = { network: row.network ?? null, location };
    const places = earlier.map((e) => ({
      key: e.viewer_key,
      network: e.network ?? null,
      location: e.location ? (JSON.parse(e.location) as Place['location']) : null,
    }));
    if (places.some((p) => p.key === row.viewer_key || samePlace(p, here))) return false;
    return places.some((p) => otherPlace(p, here));
  }

  /** Continues a visit after a reconnect; null when the id is not a visit of this link. The caller holds the state
   * it gets and calls release() when done with it. */
  async resumeVisit(resolved: ResolvedLink, visitId: string): Promise<VisitState | null> {
    let pending = this.resuming.get(visitId);
    if (!pending) {
      pending = this.loadVisit(resolved, visitId).finally(() => this.resuming.delete(visitId));
      this.resuming.set(visitId, pending);
    }
    const s = await pending;
    if (!s || s.linkId !== resolved.link.id) return null;
    s.users++;
    return s;
  }

  private async loadVisit(resolved: ResolvedLink, visitId: string): Promise<VisitState | null> {
    const cached = this.visits.get(visitId);
    if (cached) return cached;
    const found = await this.db
      .selectFrom('visits')
      .leftJoin('visit_totals', 'visit_totals.visit_id', 'visits.id')
      .selectAll('visits')
      .select('visit_totals.accounted_ms')
      .where('visits.id', '=', visitId)
      .where('visits.link_id', '=', resolved.link.id)
      .executeTakeFirst();
    if (!found) return null;
    const again = this.visits.get(visitId);
    if (again) return again;
    const { accounted_ms, ...row } = found;
    const accounted = Number(accounted_ms ?? 0);
    // A visit not seen ended recently (a restart in between) was last heard from when its time so far ran out.
    const lastContact = this.ended.get(visitId) ?? Date.parse(row.started_at) + accounted;
    return this.state(row, resolved, accounted, lastContact);
  }

  /** A socket reads through this visit: its contact is ongoing until release. */
  attach(s: VisitState): void {
    s.sockets++;
    s.lastContactMs = Date.now();
    if (s.input === 'fresh') s.input = 'awaiting';
  }

  /** The reader reported a person's input (idempotent: a flag, nothing stored; it never un-marks a machine). */
  humanInput(s: VisitState): void {
    if (s.input === 'awaiting') s.input = 'seen';
  }

  /** A socket or request is done with the visit; the last one out forgets its state. */
  release(s: VisitState, socket = false): void {
    if (socket) {
      s.sockets--;
      s.lastContactMs = Date.now();
    }
    if (--s.users > 0) return;
    if (this.visits.get(s.id) === s) this.visits.delete(s.id);
    this.left(s);
    this.ended.delete(s.id);
    this.ended.set(s.id, s.lastContactMs);
    const stale = Date.now() - this.lateMs;
    for (const [id, at] of this.ended) {
      if (at >= stale && this.ended.size <= ENDED_MAX) break;
      this.ended.delete(id);
    }
  }

  /** The last holder let go: the visit's last contact is stored (returning visits are measured from it) and told
   * on the bus, where its end is scheduled. */
  private left(s: VisitState): void {
    const at = new Date(s.lastContactMs).toISOString();
    this.db
      .updateTable('visits')
      .set({ last_seen_at: at })
      .where('id', '=', s.id)
      .execute()
      .catch(() => {
        // The visit was deleted with its document meanwhile: nothing to keep.
      });
    this.bus?.emit('visit:left', { senderId: s.senderId, visitId: s.id, at, noInput: s.input === 'awaiting' });
  }

  /** Whether a visit is held by a reader in this process right now. */
  isLive(visitId: string): boolean {
    return (this.visits.get(visitId)?.users ?? 0) > 0;
  }

  /** Validates a page event against the visit (page range, wall time, rate) and stores it. */
  async pageView(s: VisitState, raw: unknown): Promise<Stored> {
    if (s.expiresAtMs !== null && Date.now() >= s.expiresAtMs) throw linkExpired();
    if (!s.limiter.take()) throw eventRateLimited();
    const r = pageViewInput.safeParse(raw);
    if (!r.success) throw invalidEvent();
    const input: PageViewInput = r.data;
    if (input.page > s.pageCount) throw invalidPage(input.page, s.pageCount);
    const now = Date.now();
    // Time is bounded by the visit's contact: up to now while a socket holds it, else up to its last contact.
    const contactEnd = s.sockets > 0 ? now : s.lastContactMs;
    if (s.sockets === 0 && now - s.lastContactMs > this.lateMs) throw eventLate();
    if (s.accountedMs + input.durationMs > contactEnd - s.startedAtMs + WALL_SLACK_MS) {
      throw invalidDuration();
    }
    // Reserved before the write, so events stored concurrently cannot each pass the bound on their own.
    s.accountedMs += input.durationMs;
    let stored: Stored;
    try {
      stored = await this.store.append({
        ...this.base(s),
        type: 'page_view',
        client_id: input.id,
        page: input.page,
        duration_ms: input.durationMs,
      });
    } catch (err) {
      s.accountedMs -= input.durationMs;
      throw err;
    }
    if (stored.duplicate) s.accountedMs -= input.durationMs;
    if (s.sockets > 0) s.lastContactMs = Date.now();
    return stored;
  }

  /** The last dwell time, sent by sendBeacon when the page is hidden or closed. */
  async beacon(resolved: ResolvedLink, body: unknown): Promise<void> {
    const parsed = beaconBody.safeParse(body);
    if (!parsed.success) throw invalidBeacon();
    const s = await this.resumeVisit(resolved, parsed.data.visitId);
    if (!s) throw notFound('Visit');
    try {
      for (const e of parsed.data.events) await this.pageView(s, e);
    } finally {
      this.release(s);
    }
  }

  /** A download counts on the visit it names, else on the same viewer's recent visit of the link, else on a new
   * visit (`mayOpen` is asked first: the per-address visit limit). */
  async download(
    resolved: ResolvedLink,
    visitId: string | undefined,
    client: ClientInfo,
    mayOpen: () => Promise<boolean>,
  ): Promise<void> {
    const s =
      (visitId && /^vis_[A-Za-z0-9_-]{22}$/.test(visitId) ? await this.resumeVisit(resolved, visitId) : null) ??
      (await this.recentVisit(resolved, client)) ??
      ((await mayOpen()) ? await this.openVisit(resolved, client) : null);
    if (!s) throw visitRateLimited();
    try {
      await this.store.append({ ...this.base(s), type: 'download' });
    } finally {
      this.release(s);
    }
  }

  /** The same viewer's latest visit of this link, if its last contact is within the gap (VISIT_REUSE_MINUTES).
   * `idle`: only one no socket holds (a second tab reading at the same time is a visit of its own). */
  private async recentVisit(resolved: ResolvedLink, client: ClientInfo, idle = false): Promise<VisitState | null> {
    if (this.reuseMs <= 0) return null;
    const since = new Date(Date.now() - this.reuseMs).toISOString();
    const row = await this.db
      .selectFrom('visits')
      .select(['id', 'last_seen_at'])
      .where('link_id', '=', resolved.link.id)
      .where('viewer_key', '=', viewerKey(client))
      .orderBy('started_at', 'desc')
      .executeTakeFirst();
    if (!row) return null;
    const live = this.visits.get(row.id);
    const lastContact = live ? (live.sockets > 0 ? Date.now() : live.lastContactMs) : Date.parse(row.last_seen_at);
    if (lastContact < Date.parse(since)) return null;
    if (idle && live && live.sockets > 0) return null;
    return this.resumeVisit(resolved, row.id);
  }
}
