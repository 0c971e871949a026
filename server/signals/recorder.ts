// Records what a copy's open pixel and click redirects see: validate (the token names a copy) -> enrich (device,
// place, machine or person with a reason, the sender's own) -> store -> publish (the event store does both).
import type { ClientInfo } from '../accounts/identity.ts';
import type { OwnBrowsers } from '../accounts/own-browsers.ts';
import type { EmailSignalDetail } from '../domain-types.ts';
import type { GeoLookup } from '../tracking/enrich.ts';
import type { EventStore } from '../tracking/event-store.ts';
import { agentInfoAsync } from '../tracking/user-agent.ts';
import type { CopyDirectory, CopyRef } from './copies.ts';
import { BURST_WINDOW_MS, HONEYPOT_WINDOW_MS, judge } from './machine.ts';

export interface RecorderDeps {
  copies: CopyDirectory;
  events: EventStore;
  geo: GeoLookup;
  own: OwnBrowsers;
  isAppleAddress: (ip: string) => boolean;
  scanWindowMs: number;
}

const HITS_MAX = 50_000;

export class SignalRecorder {
  private readonly d: RecorderDeps;
  /** Per copy, the addresses that hit it lately (for bursts): in memory, so per instance. */
  private readonly hits = new Map<string, Map<string, number>>();

  constructor(d: RecorderDeps) {
    this.d = d;
  }

  /** An open-pixel fetch; unknown tokens record nothing. */
  async open(token: string, client: ClientInfo): Promise<void> {
    const ref = await this.d.copies.byToken(token);
    if (ref) await this.record(ref, client, null);
  }

  /** A click's stored destination (null for an unknown token or link) and how to record it. */
  async click(
    token: string,
    position: number,
  ): Promise<{ url: string; record: (client: ClientInfo) => Promise<void> } | null> {
    const ref = await this.d.copies.byToken(token);
    const link = ref && (await this.d.copies.link(ref, position));
    if (!ref || !link) return null;
    const target = { url: link.url, text: link.text, honeypot: Boolean(link.honeypot) };
    return { url: link.url, record: (client) => this.record(ref, client, target) };
  }

  private async record(
    ref: CopyRef,
    client: ClientInfo,
    link: { url: string; text: string | null; honeypot: boolean } | null,
  ): Promise<void> {
    const now = Date.now();
    const [agent, own] = await Promise.all([agentInfoAsync(client.userAgent), this.isOwn(ref, client)]);
    const j = judge({
      userAgent: client.userAgent,
      ip: client.ip,
      agentAutomated: agent.automated,
      honeypot: link?.honeypot ?? false,
      nowMs: now,
      deliveredAtMs: ref.deliveredAtMs,
      machineUntilMs: ref.machineUntilMs,
      // The sender's own hits are known for what they are: they make no burst.
      recentAddresses: own ? 1 : this.recentAddresses(ref.copyId, client.ip, now),
      scanWindowMs: this.d.scanWindowMs,
      isAppleAddress: this.d.isAppleAddress,
    });
    // A proxy's or Apple relay's device and place are theirs, not the reader's.
    const proxied = Boolean(j.via) || j.reason === 'apple_mpp';
    const location = proxied ? null : await this.d.geo.lookup(client.ip);
    const detail: EmailSignalDetail = { subject: ref.subject };
    if (j.via) detail.via = j.via;
    if (link) {
      detail.url = link.url;
      detail.linkText = link.text;
    } else if (!j.automated && !own) {
      detail.first = !(await this.d.copies.humanOpened(ref));
      ref.opened = true;
    }
    await this.d.events.append({
      sender_id: ref.senderId,
      type: link ? 'click' : 'email_open',
      at: new Date(now).toISOString(),
      message_id: ref.messageId,
      recipient: ref.recipient,
      device: proxied ? null : JSON.stringify(agent.device),
      location: location ? JSON.stringify(location) : null,
      automated: j.automated ? 1 : 0,
      automated_reason: j.reason ?? null,
      self: own ? 1 : 0,
      detail: JSON.stringify(detail),
    });
    if (link?.honeypot) await this.d.copies.openMachineWindow(ref, now + HONEYPOT_WINDOW_MS);
    if (j.reason === 'honeypot' || j.reason === 'burst')
      await this.d.copies.markMachine(ref, now - BURST_WINDOW_MS, j.reason);
  }

  private isOwn(ref: CopyRef, client: ClientInfo): Promise<boolean> | boolean {
    return client.signedInSenderId === ref.senderId || this.d.own.isOwn(ref.senderId, client);
  }

  /** Distinct addresses that hit the copy in the burst window, this one included. */
  private recentAddresses(copyId: string, ip: string, now: number): number {
    const since = now - BURST_WINDOW_MS;
    const seen = this.hits.get(copyId) ?? new Map<string, number>();
    this.hits.delete(copyId);
    this.hits.set(copyId, seen);
    if (this.hits.size > HITS_MAX) this.hits.delete(this.hits.keys().next().value!);
    seen.set(ip, now);
    for (const [addr, at] of seen) if (at < since) seen.delete(addr);
    return seen.size;
  }
}
