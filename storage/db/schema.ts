// Table types for the query layer (Kysely); the same shapes on SQLite and PostgreSQL.
import type { Generated, Insertable, Kysely, Selectable } from 'kysely';

export interface SendersTable {
  id: string;
  email: string;
  password_hash: string;
  event_seq: Generated<number>;
  /** 0: attachments in this sender's mail stay attached (no links), unless a message says otherwise later. */
  mail_tracking: Generated<number>;
  /** 0: no open pixel in this sender's tracked mail. */
  mail_pixel: Generated<number>;
  /** 0: links in this sender's tracked mail are left as written (no click redirects). */
  mail_clicks: Generated<number>;
  /** 0: no notification emails for this sender. */
  notify_email: Generated<number>;
  created_at: string;
}

export interface ApiTokensTable {
  id: string;
  sender_id: string;
  token_hash: string;
  created_at: string;
}

export interface SessionsTable {
  id_hash: string;
  sender_id: string;
  expires_at: string;
  created_at: string;
}

export interface DocumentsTable {
  id: string;
  sender_id: string;
  name: string;
  format: string;
  status: 'processing' | 'ready' | 'failed';
  page_count: number | null;
  size_bytes: number;
  original_key: string | null;
  pdf_key: string | null;
  pdf_size: number | null;
  thumbnail_key: string | null;
  /** Pages 1..n have a small thumbnail (pageThumbnailKey), made after ready; 0 while none. */
  page_thumbnails: Generated<number>;
  error_code: string | null;
  error_message: string | null;
  convert_ms: number | null;
  /** SHA-256 of the original file (documents that came in as mail attachments): the same file is reused. */
  content_hash: string | null;
  created_at: string;
  updated_at: string;
}

export interface LinksTable {
  id: string;
  document_id: string;
  sender_id: string;
  /** The token sealed (storage/sealer.ts) so the link's URL can be listed again; lookups use the hash. Always set
   * (the column is nullable only because it was added to a table with rows, sealed by the same migration). */
  token_sealed: string;
  token_hash: string;
  recipient: string | null;
  allow_download: number;
  expires_at: string | null;
  revoked_at: string | null;
  /** 0: no notification emails for this link's activity. */
  notify: Generated<number>;
  created_at: string;
  /** scrypt hash of the link's passcode (never returned); null: no passcode. */
  passcode_hash: Generated<string | null>;
  /** 1: the reader must verify an email address with a code sent to it. */
  require_email: Generated<number>;
  /** JSON arrays of addresses and domains (lower case) checked against the verified address. */
  allow_list: Generated<string | null>;
  deny_list: Generated<string | null>;
  /** Most visits the link opens (the sender's own not counted); null: no limit. */
  max_views: Generated<number | null>;
  /** 1: the reader overlays and downloads are stamped with who, when and from where. */
  watermark: Generated<number>;
}

/** Single-use email verification codes of a link's email gate (looked up by id, compared by hash). */
export interface AccessCodesTable {
  id: string;
  link_id: string;
  email: string;
  code_hash: string;
  attempts: Generated<number>;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

/** A sender's settings for new links (JSON). */
export interface LinkDefaultsTable {
  sender_id: string;
  settings: string;
  updated_at: string;
}

/** File (range) requests a visit made for the reader's PDF. */
export interface VisitFileReadsTable {
  visit_id: string;
  requests: number;
  bytes: number;
  last_at: string;
}

export interface VisitsTable {
  id: string;
  link_id: string;
  document_id: string;
  sender_id: string;
  started_at: string;
  last_seen_at: string;
  /** Hash of address and user agent: tells viewers apart on a link without a named recipient. */
  viewer_key: string;
  device: string | null;
  location: string | null;
  automated: number;
  self: number;
  /** The reader's network (/24 for IPv4, /48 for IPv6): tells places apart for forward detection. */
  network: string | null;
  /** The reader's address, kept only with KEEP_IP_ADDRESSES=true. */
  ip: string | null;
  /** Device type, browser and place as plain columns (the analytics group by them) and the place's coordinates. */
  device_type: string | null;
  browser: string | null;
  country: string | null;
  city: string | null;
  lat: number | null;
  lon: number | null;
  /** 1: a per-recipient link opened from a second browser in another place (a `forward` event was stored). */
  forwarded: number | null;
  /** Who the unique-viewer count counts: the link's recipient where known, else viewer_key. */
  viewer: string | null;
}

export interface EventsTable {
  id: string;
  sender_id: string;
  seq: number;
  type: string;
  at: string;
  document_id: string | null;
  link_id: string | null;
  visit_id: string | null;
  client_id: string | null;
  recipient: string | null;
  page: number | null;
  duration_ms: number | null;
  device: string | null;
  location: string | null;
  automated: number;
  /** Why a machine, as a stable code (apple_mpp, link_scanner, honeypot, headless, too_soon_after_delivery, burst). */
  automated_reason: string | null;
  self: number;
  /** The message an email event (attachment notice, open, click, reply) belongs to. */
  message_id: string | null;
  /** JSON with what an email event adds (the attachment name and why it was left attached). */
  detail: string | null;
}

/** Time a visit has accounted for so far (the sum of its page_view durations), kept with every write. */
/** A visit's figures kept at write time (they outlive purged events): page time, distinct pages seen, the
 * page of its latest page event and when, downloads. */
export interface VisitTotalsTable {
  visit_id: string;
  accounted_ms: number;
  pages_seen: Generated<number>;
  last_page: number | null;
  last_at: string | null;
  downloads: Generated<number>;
}

/** A visit's time and page events per page, kept at write time. */
export interface VisitPagesTable {
  visit_id: string;
  page: number;
  total_ms: number;
  views: number;
}

/** Per link page and kind of reader, the visits that saw it (a recipient's distinct pages seen), kept at write time. */
export interface LinkPagesTable {
  link_id: string;
  page: number;
  self: number;
  automated: number;
  visits: number;
}

/** Per document page and kind of reader (self, automated), the time and the visits that saw it, kept at write
 * time; page 0 holds downloads of events purged before these rollups existed. */
export interface DocumentPagesTable {
  document_id: string;
  page: number;
  self: number;
  automated: number;
  total_ms: number;
  visits: number;
  downloads: number;
}

/** A document's visits per UTC day and shape (device type, browser, country, city, coordinates as JSON) and kind of
 * reader, kept at write time. */
export interface DocumentVisitDaysTable {
  document_id: string;
  self: number;
  automated: number;
  day: string;
  shape: string;
  visits: number;
}

/** A document's visits per viewer (the unique-viewer count) and kind of reader. */
export interface DocumentViewersTable {
  document_id: string;
  viewer: string;
  self: number;
  automated: number;
  visits: number;
}

/** A document's visits per last page (0: none yet) and kind of reader, with their pages seen and downloads. */
export interface DocumentStopsTable {
  document_id: string;
  self: number;
  automated: number;
  last_page: number;
  visits: number;
  pages_seen: number;
  downloads: number;
}

/** A link's visits, accounted time and forwarded visits per kind of reader. */
export interface LinkTotalsTable {
  link_id: string;
  self: number;
  automated: number;
  visits: number;
  accounted_ms: number;
  forwarded: number;
}

export interface MessagesTable {
  id: string;
  sender_id: string;
  /** The RFC 5322 Message-ID every copy keeps (with its angle brackets). */
  message_id: string;
  subject: string | null;
  from_address: string;
  tracked: number;
  /** preview (rewritten through the API, not sent), sending, sent, partial (some copies out), failed */
  status: 'preview' | 'sending' | 'sent' | 'partial' | 'failed';
  sent_at: string | null;
  created_at: string;
}

export interface MessageRecipientsTable {
  id: string;
  message_id: string;
  address: string;
  role: 'to' | 'cc' | 'bcc';
  position: number;
}

export interface MessageCopiesTable {
  id: string;
  message_id: string;
  recipient_id: string;
  /** Per-copy token (>= 128 bits) for the open pixel and click links: looked up by its hash, kept sealed
   * (storage/sealer.ts) so a retry writes the same URLs. Set on every row (nullable only as a column added later). */
  token_sealed: string;
  token_hash: string;
  /** Until when this copy's opens and clicks are a machine's (a honeypot hit or a burst marked it). */
  machine_until: string | null;
  /** pending (not yet accepted upstream), sent, failed (refused permanently) */
  delivery: 'pending' | 'sent' | 'failed';
  attempts: number;
  last_response: string | null;
  delivered_at: string | null;
  created_at: string;
}

export interface MessageCopyLinksTable {
  copy_id: string;
  document_id: string;
  link_id: string;
}

export interface MessageAttachmentsTable {
  id: string;
  message_id: string;
  name: string;
  /** document (replaced by links) or kept (left attached: untracked, or it could not become a document) */
  outcome: 'document' | 'kept';
  document_id: string | null;
  reason_code: string | null;
  reason: string | null;
  position: number;
}

export interface WebhooksTable {
  id: string;
  sender_id: string;
  url: string;
  /** JSON array of the webhook event types it receives. */
  events: string;
  /** The `whsec_` secret, sealed (storage/sealer.ts) with the webhook's id as context. */
  secret_sealed: string;
  created_at: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  sender_id: string;
  type: string;
  /** The exact JSON body signed and sent. */
  body: string;
  /** pending (due at next_at), delivered, failed (attempts ran out) */
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_at: string | null;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** An inbound message taken (POST /api/inbound or the IMAP poller) and what it became. */
export interface InboundMessagesTable {
  id: string;
  sender_id: string;
  /** The inbound Message-ID, or "sha256:" and the hash of the bytes when it has none: one row per mail. */
  inbound_id: string;
  /** reply, auto_reply, bounce, report (a delivery report naming no failure) */
  kind: string;
  /** The tracked message it answers (messages.id). */
  message_ref: string | null;
  /** The event it was stored as (null until stored; a report stores none). */
  event_id: string | null;
  from_address: string | null;
  /** The recipient it is attributed to. */
  recipient: string | null;
  /** JSON list of the addresses in its To and Cc (a colleague Cc'd there replying later is theirs). */
  participants: string | null;
  source: 'api' | 'imap';
  created_at: string;
}

/** A sender's IMAP mailbox, polled for replies. */
export interface MailboxesTable {
  sender_id: string;
  host: string;
  port: number;
  /** tls (implicit, like 993), starttls (required), off (plain; loopback or private networks only) */
  security: 'tls' | 'starttls' | 'off';
  username: string;
  /** The password sealed (storage/sealer.ts, purpose "mailbox passwords", the sender's id as context). */
  password_sealed: string;
  folder: string;
  /** The folder's UIDVALIDITY when last_uid was seen; another value means the UIDs were renumbered. */
  uid_validity: string | null;
  last_uid: number;
  /** connecting, connected, error */
  state: string;
  state_message: string | null;
  last_checked_at: string | null;
  connected_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A visit whose end is to be reported (webhook visit.ended, the visit email) once no reader came back by due_at. */
export interface VisitReportsTable {
  visit_id: string;
  sender_id: string;
  due_at: string;
}

/** Human totals of events purged before the write-time rollups (0010_analytics) existed, which took them in. */
export interface PageRollupsTable {
  document_id: string;
  page: number;
  total_ms: number;
  visits: number;
  downloads: number;
}

/** A link of a copy's HTML, rewritten to a click redirect: the target is this row's, never the request's. */
export interface MessageLinksTable {
  copy_id: string;
  position: number;
  url: string;
  text: string | null;
  /** The hidden link no person sees: a hit on it is a machine's. */
  honeypot: number;
}

/** A browser the sender signed in with (the device cookie, stored as its hash); kept after sign-out. */
export interface SenderDevicesTable {
  id_hash: string;
  sender_id: string;
  created_at: string;
}

/** An address a dashboard session of the sender came from, and when last. */
export interface SenderAddressesTable {
  sender_id: string;
  address: string;
  last_seen_at: string;
}

/** One upload counted against its sender's quotas (UPLOAD_DOCUMENTS_PER_HOUR, UPLOAD_BYTES_PER_DAY). */
export interface UploadUsageTable {
  id: string;
  sender_id: string;
  size_bytes: number;
  created_at: string;
}

export interface Database {
  senders: SendersTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  documents: DocumentsTable;
  links: LinksTable;
  visits: VisitsTable;
  visit_totals: VisitTotalsTable;
  visit_pages: VisitPagesTable;
  document_pages: DocumentPagesTable;
  link_pages: LinkPagesTable;
  document_visit_days: DocumentVisitDaysTable;
  document_viewers: DocumentViewersTable;
  document_stops: DocumentStopsTable;
  link_totals: LinkTotalsTable;
  events: EventsTable;
  messages: MessagesTable;
  message_recipients: MessageRecipientsTable;
  message_copies: MessageCopiesTable;
  message_copy_links: MessageCopyLinksTable;
  message_attachments: MessageAttachmentsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  visit_reports: VisitReportsTable;
  page_rollups: PageRollupsTable;
  access_codes: AccessCodesTable;
  link_defaults: LinkDefaultsTable;
  visit_file_reads: VisitFileReadsTable;
  message_links: MessageLinksTable;
  sender_devices: SenderDevicesTable;
  sender_addresses: SenderAddressesTable;
  inbound_messages: InboundMessagesTable;
  mailboxes: MailboxesTable;
  upload_usage: UploadUsageTable;
}

export type Db = Kysely<Database>;
export type SenderRow = Selectable<SendersTable>;
export type DocumentRow = Selectable<DocumentsTable>;
export type LinkRow = Selectable<LinksTable>;
export type AccessCodeRow = Selectable<AccessCodesTable>;
/** A visit as read or as made; the place columns came later and may be left out when one is made. */
export type VisitRow = Omit<Selectable<VisitsTable>, 'network' | 'ip' | VisitPlaceColumn> & {
  network?: string | null;
  ip?: string | null;
} & Partial<Pick<Selectable<VisitsTable>, VisitPlaceColumn>>;
type VisitPlaceColumn = 'device_type' | 'browser' | 'country' | 'city' | 'lat' | 'lon' | 'forwarded' | 'viewer';
export type EventRow = Selectable<EventsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type MessageRecipientRow = Selectable<MessageRecipientsTable>;
export type MessageCopyRow = Selectable<MessageCopiesTable>;
export type MessageAttachmentRow = Selectable<MessageAttachmentsTable>;
export type WebhookRow = Selectable<WebhooksTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type MessageLinkRow = Selectable<MessageLinksTable>;
export type InboundMessageRow = Selectable<InboundMessagesTable>;
export type MailboxRow = Selectable<MailboxesTable>;
export type NewEvent = Omit<Insertable<EventsTable>, 'seq' | 'id'>;
