// The domain's shared shapes: what happened, on which device, from where, who is reading now. Producers and
// consumers on every layer use them; the socket protocol re-exports them for the browser.

export interface DeviceInfo {
  type: 'desktop' | 'mobile' | 'tablet' | 'bot' | 'other';
  os: string | null;
  browser: string | null;
}

export interface LocationInfo {
  country: string | null;
  region: string | null;
  city: string | null;
  /** The offline lookup's coordinates of the place (city or country level). */
  lat?: number | null;
  lon?: number | null;
}

export type EventType =
  | 'open'
  | 'page_view'
  | 'download'
  | 'email_open'
  | 'click'
  | 'reply'
  | 'auto_reply'
  | 'bounce'
  | 'attachment_kept'
  /** A per-recipient link opened by a second browser in another place: probably forwarded. */
  | 'forward'
  | 'access_denied';

/** How a reply's author relates to the message: the recipient, a Cc'd recipient, a colleague at a recipient's
 * domain, someone a recipient brought into the thread, or nobody known (stored, attributed to no recipient). */
export type ReplyAttribution = 'recipient' | 'cc' | 'colleague' | 'thread' | 'unknown';

/** What a `reply`, `auto_reply` or `bounce` event adds. */
export interface ReplyInfo {
  /** Who wrote it (for a bounce: the reporting system). */
  from: string | null;
  attribution: ReplyAttribution;
  subject: string | null;
  /** Authentication-Results said it is not from who it claims (stored, not counted). */
  authFailed?: boolean;
  /** The results read ("dmarc=fail spf=fail"). */
  auth?: string | null;
  /** A bounce's enhanced status (5.1.1) and the remote server's words. */
  status?: string | null;
  diagnostic?: string | null;
}

/** What an `attachment_kept` event adds: the attachment left in the mail and why, as a sentence for the sender. */
export interface AttachmentNotice {
  file: string;
  code: string;
  message: string;
}

/** One stored happening, as the API and the feed show it. */
export interface ActivityEvent {
  id: string;
  seq: number;
  type: EventType;
  at: string;
  documentId?: string;
  linkId?: string;
  recipient?: string | null;
  page?: number;
  durationMs?: number;
  visitId?: string;
  device?: DeviceInfo | null;
  location?: LocationInfo | null;
  /** The message an email event belongs to (GET /api/messages/:id). */
  messageId?: string;
  notice?: AttachmentNotice;
  /** Why an `access_denied` reader was turned away (wrong_passcode, domain_not_allowed, view_limit_reached, ...). */
  reason?: string;
  /** reply, auto_reply and bounce events: who wrote it and how it relates to the recipients. */
  reply?: ReplyInfo;
  automated: boolean;
  /** Why the event is judged a machine's (set with automated: true). */
  automatedReason?: AutomatedReason;
  self: boolean;
  /** An open fetched through a mail provider's image proxy when a person opened the mail (no device or place). */
  via?: 'google-image-proxy' | 'yahoo-proxy';
  /** email_open: the first human open of this copy (false: a repeat). */
  first?: boolean;
  /** click: where the link goes and its words. */
  url?: string;
  linkText?: string | null;
  /** Email events: the message's subject, for the feed's sentence. */
  subject?: string | null;
}

/** Stable codes of the machine rules (README "Email signals"). */
export type AutomatedReason =
  | 'apple_mpp'
  | 'link_scanner'
  | 'honeypot'
  | 'headless'
  | 'too_soon_after_delivery'
  | 'burst'
  | 'no_human_input'
  | (string & {});

/** What an email_open or click event keeps in its detail column. */
export interface EmailSignalDetail {
  via?: ActivityEvent['via'];
  first?: boolean;
  url?: string;
  linkText?: string | null;
  subject?: string | null;
}

/** Someone reading right now. */
export interface Presence {
  visitId: string;
  documentId: string;
  linkId: string;
  recipient: string | null;
  page: number | null;
  /** When the reader arrived on `page`. */
  pageSince: string;
  device: DeviceInfo | null;
  location: LocationInfo | null;
}

/** A page event: arrival (durationMs 0) or time spent on the page since the previous event for it. */
export interface PageViewInput {
  /** Client-generated unique id; a re-sent event with the same id is stored once. */
  id: string;
  page: number;
  durationMs: number;
}

/** A document's new status, as the feed shows it when a conversion ends. */
export interface DocumentUpdate {
  id: string;
  status: string;
  pageCount: number | null;
}

/** A visit that ended, with what was read: the visit.ended webhook's data and the visit email's content. */
export interface VisitReport {
  visitId: string;
  documentId: string;
  documentName: string;
  linkId: string;
  recipient: string | null;
  startedAt: string;
  endedAt: string;
  totalMs: number;
  pages: { page: number; durationMs: number }[];
  pageCount: number;
  downloaded: boolean;
  device: DeviceInfo | null;
  location: LocationInfo | null;
  self: boolean;
  automated: boolean;
}
