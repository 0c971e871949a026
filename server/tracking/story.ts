// The words of a recipient's timeline: one sentence per thing they did, a visit's page views told as one
// ("Opened the proposal on iPhone in Lisbon, read 7 of 12 pages for 6 min, stopped at page 9"). Pure: facts in,
// text out (tests/unit/story.test.ts). The dashboard's own formatters stay in the browser bundle, which may import
// nothing of the server but its types, so the few words both need are said here again for the server's sentences.
import type { DeviceInfo, LocationInfo } from '../domain-types.ts';

/** "45 s", "6 min", "1 h 5 min": minutes once past one, as a person would say it. */
export function spokenDuration(ms: number): string {
  const seconds = Math.round(Math.max(0, ms) / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const rest = minutes % 60;
  return `${Math.floor(minutes / 60)} h${rest ? ` ${rest} min` : ''}`;
}

/** "iPhone", "iPad", "Android phone", "Mac", "Windows PC", else the browser or the kind of device; null: unknown. */
export function spokenDevice(device: DeviceInfo | null | undefined): string | null {
  if (!device) return null;
  const os = (device.os ?? '').toLowerCase();
  const tablet = device.type === 'tablet';
  if (os === 'ios') return tablet ? 'iPad' : 'iPhone';
  if (os === 'android') return tablet ? 'Android tablet' : 'Android phone';
  if (os.startsWith('mac')) return 'Mac';
  if (os.startsWith('windows')) return 'Windows PC';
  if (os === 'linux') return 'Linux';
  if (device.browser) return device.browser;
  return tablet ? 'a tablet' : device.type === 'mobile' ? 'a phone' : null;
}

/** The city, else the region, else the country; null: unknown. */
export function spokenPlace(place: LocationInfo | null | undefined): string | null {
  return place?.city ?? place?.region ?? place?.country ?? null;
}

const where = (device: DeviceInfo | null | undefined, place: LocationInfo | null | undefined) => {
  const d = spokenDevice(device);
  const p = spokenPlace(place);
  return `${d ? ` on ${d}` : ''}${p ? ` in ${p}` : ''}`;
};

const quoted = (subject: string | null | undefined) => (subject ? `“${subject}”` : 'the email');

export interface VisitFacts {
  documentName: string;
  pageCount: number;
  pagesSeen: number;
  totalMs: number;
  lastPage: number | null;
  device?: DeviceInfo | null;
  place?: LocationInfo | null;
}

export function visitSentence(v: VisitFacts): string {
  const parts = [`Opened ${v.documentName}${where(v.device, v.place)}`];
  if (v.pagesSeen > 0) {
    const read =
      v.pageCount > 1 && v.pagesSeen >= v.pageCount
        ? `read all ${v.pageCount} pages`
        : v.pageCount > 0
          ? `read ${v.pagesSeen} of ${v.pageCount} page${v.pageCount === 1 ? '' : 's'}`
          : `read ${v.pagesSeen} page${v.pagesSeen === 1 ? '' : 's'}`;
    parts.push(`${read} for ${spokenDuration(v.totalMs)}`);
    if (v.lastPage !== null && v.pageCount > 1 && v.lastPage < v.pageCount) parts.push(`stopped at page ${v.lastPage}`);
  }
  return parts.join(', ');
}

export function emailOpenSentence(e: {
  subject?: string | null;
  device?: DeviceInfo | null;
  place?: LocationInfo | null;
}): string {
  return `Opened ${quoted(e.subject)}${where(e.device, e.place)}`;
}

export function clickSentence(e: { subject?: string | null; linkText?: string | null; url?: string | null }): string {
  const what = e.linkText?.trim() || e.url || 'a link';
  return `Clicked “${what}” in ${quoted(e.subject)}`;
}

export function replySentence(e: { subject?: string | null }): string {
  return `Replied to ${quoted(e.subject)}`;
}

export function forwardSentence(e: { documentName: string; place?: LocationInfo | null }): string {
  const p = spokenPlace(e.place);
  return `Probably forwarded ${e.documentName}: opened from another browser${p ? ` in ${p}` : ''}`;
}

export function downloadSentence(e: { documentName: string }): string {
  return `Downloaded ${e.documentName}`;
}
