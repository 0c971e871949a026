// The words of notification emails: pure, so the sender reads the same sentence the tests check.
import type { ActivityEvent, VisitReport } from '../domain-types.ts';

export interface Mail {
  subject: string;
  text: string;
}

const seconds = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
};

const who = (recipient: string | null | undefined) => recipient || 'Someone with your link';

const place = (e: Pick<ActivityEvent, 'device' | 'location'>) => {
  const parts: string[] = [];
  if (e.device?.browser || e.device?.os) parts.push(`on ${[e.device.os, e.device.browser].filter(Boolean).join(', ')}`);
  const city = e.location?.city ?? e.location?.region;
  if (city || e.location?.country) parts.push(`near ${[city, e.location?.country].filter(Boolean).join(', ')}`);
  return parts.length ? ` ${parts.join(' ')}` : '';
};

/** The email for a stored event worth an email of its own, or null. */
export function eventMail(e: ActivityEvent, documentName: string | null, dashboardUrl: string): Mail | null {
  const doc = documentName ?? 'your document';
  const footer = `\n\nSee the activity: ${dashboardUrl}\n`;
  switch (e.type) {
    case 'open':
      return {
        subject: `${who(e.recipient)} opened ${doc}`,
        text: `${who(e.recipient)} opened ${doc} for the first time${place(e)}.${footer}`,
      };
    case 'download':
      return {
        subject: `${who(e.recipient)} downloaded ${doc}`,
        text: `${who(e.recipient)} downloaded ${doc}.${footer}`,
      };
    case 'forward':
      return {
        subject: `${doc} was probably forwarded`,
        text: `The link you sent to ${who(e.recipient)} was opened by another browser${place(e)}: ${who(e.recipient)} probably forwarded ${doc}.${footer}`,
      };
    case 'reply':
      return {
        subject: `${who(e.recipient)} replied to your email`,
        text: `${who(e.recipient)} replied to your email.${footer}`,
      };
    default:
      return null;
  }
}

/** The one email per visit: what was read, page by page, in reading time (hidden tabs and idle time not counted). */
export function visitMail(v: VisitReport, dashboardUrl: string): Mail {
  const seen = v.pages.length;
  const lines = v.pages.map((p) => `  Page ${p.page}: ${seconds(p.durationMs)}`);
  const last = v.pages.length ? ` Last page read: ${Math.max(...v.pages.map((p) => p.page))}.` : '';
  return {
    subject: `${who(v.recipient)} read ${v.documentName}: ${seconds(v.totalMs)} on ${seen} of ${v.pageCount} pages`,
    text:
      `${who(v.recipient)} read ${v.documentName}${place(v)} for ${seconds(v.totalMs)}, ${seen} of ${v.pageCount} pages.${last}\n\n` +
      (lines.length ? `${lines.join('\n')}\n` : '  No page was read long enough to count.\n') +
      (v.downloaded ? '\nThey downloaded it.\n' : '') +
      `\nSee the visit: ${dashboardUrl}\n`,
  };
}
