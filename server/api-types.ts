// The JSON shapes of the HTTP API: produced by the server, read by the dashboard (with `import type`).
import type { ActivityEvent, DeviceInfo, LocationInfo } from './domain-types.ts';

export interface DocumentJson {
  id: string;
  name: string;
  status: 'processing' | 'ready' | 'failed';
  pageCount: number | null;
  format: string;
  sizeBytes: number;
  createdAt: string;
  updatedAt: string;
  thumbnailUrl: string | null;
  /** Pages 1..pageThumbnails have a thumbnail at /api/documents/:id/pages/:n/thumbnail. */
  pageThumbnails: number;
  error?: { code: string; message: string };
}

export interface LinkJson {
  id: string;
  documentId: string;
  url: string;
  recipient: string | null;
  allowDownload: boolean;
  expiresAt: string | null;
  revokedAt: string | null;
  /** Notification emails for this link's activity (PUT /api/links/:id/notifications). */
  notify: boolean;
  createdAt: string;
  /** A passcode is asked for (the passcode itself is never returned). */
  hasPasscode: boolean;
  /** The reader verifies an email address with a code mailed to it. */
  requireEmail: boolean;
  /** Addresses and domains allowed (empty: any) and refused, checked against the verified address. */
  allow: string[];
  deny: string[];
  /** Most visits the link opens; null: no limit. */
  maxViews: number | null;
  /** The reader and downloads carry who, when and from where. */
  watermark: boolean;
}

/** GET/PUT /api/settings/link-defaults: what a sender's new links get unless the request says otherwise. */
export interface LinkDefaultsJson {
  allowDownload: boolean;
  requireEmail: boolean;
  allow: string[];
  deny: string[];
  maxViews: number | null;
  watermark: boolean;
}

/** GET /api/documents/:id/analytics: a document's reading figures (human visits unless `included` says more). */
export interface Analytics {
  visits: number;
  uniqueViewers: number;
  totalMs: number;
  downloads: number;
  pages: { page: number; totalMs: number; visits: number }[];
  /** Mean reading time per visit (0 without visits). */
  averageMs: number;
  /** 0..1: the mean over visits of the share of the document's pages seen. */
  completion: number;
  /** Visits per UTC day, from the first visit's day to today, days without visits included (at most 366). */
  overTime: { day: string; visits: number }[];
  /** Visits whose last page viewed was `page`, one row per page. */
  dropOff: { page: number; stopped: number }[];
  /** Visits per device type and per browser, most first. */
  devices: { name: string; visits: number }[];
  browsers: { name: string; visits: number }[];
  /** Visits per place with its coordinates (offline lookup; places without coordinates left out). */
  places: { city: string | null; country: string | null; lat: number; lon: number; visits: number }[];
  /** One row per known recipient: "ann@acme.com: 3 visits, 7 min, stopped at page 9". */
  recipients: RecipientRow[];
  included: IncludedViews;
}

export interface VisitSummary {
  id: string;
  linkId: string;
  recipient: string | null;
  startedAt: string;
  lastSeenAt: string;
  device: DeviceInfo | null;
  location: LocationInfo | null;
  totalMs: number;
  pagesViewed: number;
  lastPage: number | null;
  self: boolean;
  automated: boolean;
}

/** Where a recipient got to, Streak's status at a glance. */
export type SignalStatus = 'not_opened' | 'opened' | 'read' | 'clicked' | 'replied';

/** A recipient's email signals: people's opens, clicks and replies counted; machines and the sender's own apart. */
export interface RecipientSignals {
  status: SignalStatus;
  opens: number;
  firstOpenAt: string | null;
  lastOpenAt: string | null;
  clicks: number;
  replies: number;
  /** Human visits to the documents of this copy. */
  documentVisits: number;
  /** Opens and clicks judged a machine's, by reason code. */
  machine: { count: number; reasons: Record<string, number> };
  /** The sender's own opens and clicks. */
  self: number;
}

export interface MessageSummaryJson {
  id: string;
  messageId: string;
  subject: string | null;
  from: string;
  status: string;
  sentAt: string | null;
  createdAt: string;
  tracked: boolean;
  recipients: { address: string; role: string; delivery: string }[];
  documents: { id: string; name: string; status: string | null; pageCount: number | null }[];
  signals: MessageSignals;
}

/** A message's signals: the furthest any recipient got and the sums (openedBy: recipients past "not opened"),
 * and each recipient's own, in the order of `recipients`. */
export interface MessageSignals extends RecipientSignals {
  openedBy: number;
  recipients: (RecipientSignals & { address: string })[];
}

export interface MessageJson extends MessageSummaryJson {
  attachments: { name: string; outcome: string; documentId: string | null; reason: string | null }[];
  copies: {
    recipient: string;
    role: string;
    delivery: string;
    deliveredAt: string | null;
    response: string | null;
    links: {
      documentId: string;
      linkId: string;
      url: string;
      visits: number;
      totalMs: number;
      lastSeenAt: string | null;
    }[];
    signals: RecipientSignals;
    /** This recipient's timeline: email opens, clicks, replies and document opens, oldest first. */
    events: ActivityEvent[];
  }[];
}

/** GET/PUT /api/settings/mail-tracking: the sender's switches for mail sent through Pagetrail. */
export interface MailSettingsJson {
  /** Attachments become per-recipient links (off: every attachment stays attached). */
  attachments: boolean;
  /** A 1x1 open pixel in each copy's HTML part. */
  pixel: boolean;
  /** The copy's http(s) links rewritten to its click redirects (and the hidden honeypot link). */
  clicks: boolean;
}

/** GET/PUT /api/mailbox: the IMAP mailbox polled for replies (the password is never shown). */
export interface MailboxJson {
  host: string;
  port: number;
  security: 'tls' | 'starttls' | 'off';
  user: string;
  folder: string;
  passwordSet: boolean;
  status: {
    state: 'connecting' | 'connected' | 'error';
    message: string | null;
    lastCheckedAt: string | null;
    connectedAt: string | null;
    uidValidity: string | null;
    lastUid: number;
  };
}

/** Which of the usually excluded views a figure counts (`?include=self,automated`). */
export interface IncludedViews {
  self: boolean;
  automated: boolean;
}

export interface RecipientRow {
  recipient: string;
  visits: number;
  totalMs: number;
  /** Distinct pages seen over all the recipient's visits. */
  pagesSeen: number;
  /** The last page of the most recent visit. */
  lastPage: number | null;
  lastAt: string;
  /** The recipient's link was probably forwarded (opened from a second browser in another place). */
  forwarded: boolean;
}

export type TimelineKind = 'email_open' | 'click' | 'visit' | 'reply' | 'forward' | 'download';

/** One line of a recipient's story; a visit's page views collapse into one item. */
export interface TimelineItem {
  at: string;
  kind: TimelineKind;
  /** The sentence: "Opened the proposal on iPhone in Lisbon, read 7 of 12 pages for 6 min, stopped at page 9". */
  text: string;
  documentId?: string;
  documentName?: string;
  messageId?: string;
  subject?: string | null;
  /** visit: the last page; download: none. */
  page?: number;
  durationMs?: number;
  device?: DeviceInfo | null;
  place?: LocationInfo | null;
}

export interface RecipientSummary {
  visits: number;
  totalMs: number;
  /** Distinct documents visited. */
  documents: number;
  emailOpens: number;
  clicks: number;
  replies: number;
  forwards: number;
}

/** GET /api/recipients/:address/timeline: everything one recipient did with the signed-in sender's mail and
 * documents, newest first (an address with nothing: empty items). */
export interface RecipientTimeline {
  recipient: string;
  summary: RecipientSummary;
  items: TimelineItem[];
  included: IncludedViews;
}

/** GET /api/recipients: the sender's recipients, most recently active first. */
export interface RecipientListJson {
  recipients: (RecipientSummary & { recipient: string; lastAt: string | null })[];
}
