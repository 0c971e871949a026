// Turns stored facts into the words the sender reads. Pure (no DOM), so it is unit tested
// (tests/unit/dashboard-format.test.ts).

import type { ActivityEvent, DeviceInfo, LocationInfo } from '../../server/realtime/protocol.ts';

/** "3 s", "42 s", "4 min 5 s", "1 h 12 min". */
export function formatDuration(ms: number): string {
  const s = Math.round(Math.max(0, ms) / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const hours = Math.floor(m / 60);
  return m % 60 ? `${hours} h ${m % 60} min` : `${hours} h`;
}

/** "just now", "12 s ago", "5 min ago", "3 h ago", "yesterday", then a date. */
export function formatRelative(iso: string, now = Date.now()): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '';
  const s = Math.round((now - then) / 1000);
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.floor(h / 24);
  if (d === 1) return 'yesterday';
  if (d < 7) return `${d} days ago`;
  return new Date(then).toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    year: d > 300 ? 'numeric' : undefined,
  });
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** "iPhone (Mobile Safari)", "Mac (Chrome)", "Android phone (Chrome)", or null when nothing is known. */
export function formatDevice(device: DeviceInfo | null | undefined): string | null {
  if (!device) return null;
  const os = device.os ?? '';
  let what: string;
  if (/^ios$/i.test(os)) what = device.type === 'tablet' ? 'iPad' : 'iPhone';
  else if (/^android$/i.test(os)) what = device.type === 'tablet' ? 'Android tablet' : 'Android phone';
  else if (/mac ?os/i.test(os)) what = 'Mac';
  else if (/^windows/i.test(os)) what = 'Windows PC';
  else if (os) what = os;
  else if (device.type === 'bot') what = 'an automated client';
  else if (device.type === 'mobile') what = 'a phone';
  else if (device.type === 'tablet') what = 'a tablet';
  else what = device.browser ? '' : 'an unknown device';
  if (!what) return device.browser;
  return device.browser ? `${what} (${device.browser})` : what;
}

/** "Lisbon, PT"; falls back to region, then country alone. */
export function formatLocation(location: LocationInfo | null | undefined): string | null {
  if (!location) return null;
  const place = location.city ?? location.region;
  if (place && location.country) return `${place}, ${location.country}`;
  return place ?? location.country ?? null;
}

export function actorOf(
  event: Pick<ActivityEvent, 'recipient' | 'self' | 'reply'> & { type?: ActivityEvent['type'] },
): string {
  if (event.type === 'attachment_kept') return 'Your email:';
  if (event.reply) return replyActor(event.reply, event.recipient ?? null);
  if (event.self) return 'You';
  return event.recipient || 'Someone with the link';
}

/** "wrong_passcode" -> "wrong passcode": the reason of an access_denied event as the feed says it. */
export function blockedReason(reason: string | undefined): string {
  return reason ? reason.replace(/_/g, ' ') : 'access refused';
}

/** One run of text in a feed line; `strong` runs are emphasised (names of people and documents). */
export interface Segment {
  text: string;
  strong?: boolean;
}

/**
 * The feed sentence for an event, without the actor. `totalMs` lets the feed merge a reader's
 * heartbeats on one page into a single growing "spent N s on page P".
 */
export function describeEvent(
  event: ActivityEvent,
  documentName: string | null,
  totalMs = event.durationMs ?? 0,
): Segment[] {
  const doc: Segment = { text: documentName ?? 'a document', strong: true };
  switch (event.type) {
    case 'open': {
      const out: Segment[] = [{ text: 'opened ' }, doc];
      const device = formatDevice(event.device);
      const place = formatLocation(event.location);
      if (device) out.push({ text: ` on ${device}` });
      if (place) out.push({ text: ` near ${place}` });
      return out;
    }
    case 'page_view':
      if (event.page === undefined) return [{ text: 'is reading ' }, doc];
      if (totalMs <= 0) return [{ text: `is on page ${event.page} of ` }, doc];
      // Scrolling past a page is not reading it; "spent 0 s" would read as a bug.
      if (totalMs < 1000) return [{ text: `glanced at page ${event.page} of ` }, doc];
      return [{ text: `spent ${formatDuration(totalMs)} on page ${event.page} of ` }, doc];
    case 'download':
      return [{ text: 'downloaded ' }, doc];
    case 'email_open': {
      const out: Segment[] = [{ text: 'opened ' }, ...mail(event)];
      if (event.first === false) out.push({ text: ' again' });
      if (event.via === 'google-image-proxy') out.push({ text: ' in Gmail' });
      else if (event.via === 'yahoo-proxy') out.push({ text: ' in Yahoo Mail' });
      const device = formatDevice(event.device);
      const place = formatLocation(event.location);
      if (device) out.push({ text: ` on ${device}` });
      if (place) out.push({ text: ` near ${place}` });
      return out;
    }
    case 'click': {
      const what = event.linkText || hostOf(event.url);
      if (what) return [{ text: 'clicked ' }, { text: what, strong: true }, ...inMail(event)];
      return documentName ? [{ text: 'clicked the link to ' }, doc] : [{ text: 'clicked a link in your email' }];
    }
    case 'reply':
      return event.reply?.authFailed
        ? [{ text: 'replied to ' }, ...mail(event), { text: ', but the reply failed authentication (not counted)' }]
        : [{ text: 'replied to ' }, ...mail(event)];
    case 'auto_reply':
      return event.automatedReason === 'read_receipt'
        ? [{ text: 'sent a read receipt' }]
        : [{ text: 'answered automatically (out of office or similar)' }];
    case 'bounce':
      return [
        {
          text: `could not be reached: your email bounced${event.reply?.status ? ` (${event.reply.status})` : ''}`,
        },
      ];
    case 'forward': {
      const out: Segment[] = [{ text: 'probably forwarded ' }, doc];
      const device = formatDevice(event.device);
      const place = formatLocation(event.location);
      out.push({ text: ': opened by another browser' });
      if (device) out.push({ text: ` on ${device}` });
      if (place) out.push({ text: ` near ${place}` });
      return out;
    }
    case 'attachment_kept':
      return [{ text: event.notice?.message ?? 'An attachment was left in your email.' }];
    case 'access_denied':
      return [{ text: `blocked: ${blockedReason(event.reason)} on ` }, doc];
    default:
      return [{ text: 'did something' }];
  }
}

/** The mail an email event is about: its subject in quotes, or "your email". */
function mail(event: ActivityEvent): Segment[] {
  return event.subject ? [{ text: `\u2018${event.subject}\u2019`, strong: true }] : [{ text: 'your email' }];
}

function inMail(event: ActivityEvent): Segment[] {
  return event.subject ? [{ text: ' in ' }, ...mail(event)] : [];
}

function hostOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

/** Words for the machine rules' reason codes. */
export const MACHINE_REASONS: Record<string, string> = {
  apple_mpp: 'Apple Mail privacy',
  link_scanner: 'link scanner',
  honeypot: 'link scanner (hidden link)',
  headless: 'headless browser',
  too_soon_after_delivery: 'fetched at delivery',
  burst: 'scanner burst',
  no_human_input: 'viewer opened with no human input',
  auto_reply: 'automatic reply',
  read_receipt: 'read receipt',
  delivery_report: 'delivery report',
  auth_failed: 'failed authentication',
};

export function reasonLabel(code: string | undefined): string {
  return (code && MACHINE_REASONS[code]) || 'automated';
}

/** "2 machine opens: Apple Mail privacy, link scanner", or null when there were none. */
export function formatMachine(machine: { count: number; reasons: Record<string, number> }): string | null {
  if (!machine.count) return null;
  const reasons = [...new Set(Object.keys(machine.reasons).map(reasonLabel))].join(', ');
  return `${machine.count} machine ${machine.count === 1 ? 'open' : 'opens'}${reasons ? `: ${reasons}` : ''}`;
}

/** Streak's status at a glance: not opened / opened N times / read the documents / clicked / replied. */
export function formatStatus(s: { status: string; opens: number; clicks: number; replies: number }): string {
  switch (s.status) {
    case 'replied':
      return s.replies > 1 ? `replied ${s.replies} times` : 'replied';
    case 'clicked':
      return s.clicks > 1 ? `clicked ${s.clicks} times` : 'clicked';
    case 'read':
      return 'read the documents';
    case 'opened':
      return s.opens === 1 ? 'opened once' : `opened ${s.opens} times`;
    default:
      return 'not opened';
  }
}

/** Who a reply is from, said through the recipient it counts for: "A colleague of ann@acme.com". */
export function replyActor(reply: NonNullable<ActivityEvent['reply']>, recipient: string | null): string {
  switch (reply.attribution) {
    case 'recipient':
    case 'cc':
      return recipient ?? reply.from ?? 'A recipient';
    case 'colleague':
      return `A colleague of ${recipient}`;
    case 'thread':
      return `${reply.from}, brought in by ${recipient}`;
    default:
      return recipient ?? `${reply.from ?? 'Someone'} (not a recipient)`;
  }
}
