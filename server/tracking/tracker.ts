// Records what link holders do: validate -> enrich (device, place, machine/human, self) -> store -> publish.
import { createHash } from 'node:crypto';
import type { Db, NewEvent, VisitRow } from '../../storage/db/index.ts';
import type { ClientInfo } from '../accounts/identity.ts';
import { newSortableId } from '../ids.ts';
import type { ResolvedLink } from '../documents/links.ts';
import { eventRateLimited, invalidBeacon, invalidDuration, invalidEvent, invalidPage, linkExpired, notFound } from '../errors.ts';
import type { DeviceInfo, LocationInfo, PageViewInput } from '../domain-types.ts';
import type { GeoLookup } from './enrich.ts';
import { agentInfoAsync } from './user-agent.ts';
import type { EventStore, Stored } from './event-store.ts';
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
  limiter: RateLimiter;
  /** The event columns every event of this visit shares, made once. */
  columns: Pick<NewEvent, 'sender_id' | 'document_id' | 'link_id' | 'visit_id' | 'recipient' | 'device' | 'location' | 'automated' | 'self'>;
}

/** Slack on the wall-time bound: clocks and network delays are not exact. */
const WALL_SLACK_MS = 5000;

export class Tracker {
  private readonly db: Db;
  private readonly store: EventStore;
  private readonly geo: GeoLookup;
  private readonly visits = new Map<string, VisitState>();
  private readonly eventsPer10s: number;

  constructor(d: { db: Db; store: EventStore; geo: GeoLookup; eventsPer10s: number }) {
    this.db = d.db;
    this.store = d.store;
    this.geo = d.geo;
    this.eventsPer10s = d.eventsPer10s;
  }

  private state(v: VisitRow, resolved: ResolvedLink, accountedMs: number): VisitState {
    const s: VisitState = {
      id: v.id, linkId: v.link_id, documentId: v.document_id, senderId: v.sender_id, recipient: resolved.link.recipient,
      expiresAtMs: resolved.link.expires_at ? Date.parse(resolved.link.expires_at) : null,
      pageCount: Number(resolved.document.page_count ?? 0), startedAtMs: Date.parse(v.started_at), accountedMs,
      device: v.device ? JSON.parse(v.device) : null, location: v.location ? JSON.parse(v.location) : null,
      limiter: new RateLimiter(this.eventsPer10s, 10_000),
      columns: {
        sender_id: v.sender_id, document_id: v.document_id, link_id: v.link_id, visit_id: v.id, recipient: resolved.link.recipient,
        device: v.device, location: v.location, automated: v.automated, self: v.self,
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
    const now = new Date().toISOString();
    const [agent, location] = await Promise.all([agentInfoAsync(client.userAgent), this.geo.lookup(client.ip)]);
    const device = agent.device;
    const row: VisitRow = {
      // Time-ordered: live visits are recent ones, so their rows in visit_totals sit together.
      id: newSortableId('vis'), link_id: resolved.link.id, document_id: resolved.document.id, sender_id: resolved.link.sender_id,
      started_at: now, last_seen_at: now,
      viewer_key: createHash('sha256').update(`${client.ip}|${client.userAgent ?? ''}`).digest('base64url').slice(0, 22),
      device: JSON.stringify(device), location: location ? JSON.stringify(location) : null,
      automated: agent.automated ? 1 : 0, self: client.signedInSenderId === resolved.link.sender_id ? 1 : 0,
    };
    const s = this.state(row, resolved, 0);
    try {
      await this.store.append({ ...this.base(s), type: 'open' }, row);
    } catch (err) {
      this.forget(row.id);
      throw err;
    }
    return s;
  }

  /** Continues a visit after a reconnect; null when the id is not a visit of this link. */
  async resumeVisit(resolved: ResolvedLink, visitId: string): Promise<VisitState | null> {
    const cached = this.visits.get(visitId);
    if (cached) return cached.linkId === resolved.link.id ? cached : null;
    const found = await this.db.selectFrom('visits').leftJoin('visit_totals', 'visit_totals.visit_id', 'visits.id')
      .selectAll('visits').select('visit_totals.accounted_ms')
      .where('visits.id', '=', visitId).where('visits.link_id', '=', resolved.link.id).executeTakeFirst();
    if (!found) return null;
    const { accounted_ms, ...row } = found;
    return this.state(row, resolved, Number(accounted_ms ?? 0));
  }

  /** Validates a page event against the visit (page range, wall time, rate) and stores it. */
  async pageView(s: VisitState, raw: unknown): Promise<Stored> {
    if (s.expiresAtMs !== null && Date.now() >= s.expiresAtMs) throw linkExpired();
    if (!s.limiter.take()) throw eventRateLimited();
    const r = pageViewInput.safeParse(raw);
    if (!r.success) throw invalidEvent();
    const input: PageViewInput = r.data;
    if (input.page > s.pageCount) throw invalidPage(input.page, s.pageCount);
    const elapsed = Date.now() - s.startedAtMs;
    if (s.accountedMs + input.durationMs > elapsed + WALL_SLACK_MS) {
      throw invalidDuration();
    }
    const stored = await this.store.append({ ...this.base(s), type: 'page_view', client_id: input.id, page: input.page, duration_ms: input.durationMs });
    if (!stored.duplicate) s.accountedMs += input.durationMs;
    return stored;
  }

  /** The last dwell time, sent by sendBeacon when the page is hidden or closed. */
  async beacon(resolved: ResolvedLink, body: unknown): Promise<void> {
    const parsed = beaconBody.safeParse(body);
    if (!parsed.success) throw invalidBeacon();
    const s = await this.resumeVisit(resolved, parsed.data.visitId);
    if (!s) throw notFound('Visit');
    for (const e of parsed.data.events) await this.pageView(s, e);
  }

  async download(resolved: ResolvedLink, visitId: string | undefined, client: ClientInfo): Promise<void> {
    const s = (visitId && /^vis_[A-Za-z0-9_-]{22}$/.test(visitId) ? await this.resumeVisit(resolved, visitId) : null)
      ?? await this.openVisit(resolved, client);
    await this.store.append({ ...this.base(s), type: 'download' });
  }

  /** Drops in-memory state of visits with no live connection. */
  forget(visitId: string): void {
    this.visits.delete(visitId);
  }
}
