// Table types for the query layer (Kysely); the same shapes on SQLite and PostgreSQL.
import type { Generated, Insertable, Kysely, Selectable } from 'kysely';

export interface SendersTable {
  id: string;
  email: string;
  password_hash: string;
  event_seq: Generated<number>;
  /** 0: attachments in this sender's mail stay attached (no links), unless a message says otherwise later. */
  mail_tracking: Generated<number>;
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
  created_at: string;
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
  self: number;
  /** The message an email event (attachment notice, open, click, reply) belongs to. */
  message_id: string | null;
  /** JSON with what an email event adds (the attachment name and why it was left attached). */
  detail: string | null;
}

/** Time a visit has accounted for so far (the sum of its page_view durations), kept with every write. */
export interface VisitTotalsTable {
  visit_id: string;
  accounted_ms: number;
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
  /** Per-copy token (>= 128 bits) for the open pixel and click links; looked up by its hash. */
  token: string;
  token_hash: string;
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

export interface Database {
  senders: SendersTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  documents: DocumentsTable;
  links: LinksTable;
  visits: VisitsTable;
  visit_totals: VisitTotalsTable;
  events: EventsTable;
  messages: MessagesTable;
  message_recipients: MessageRecipientsTable;
  message_copies: MessageCopiesTable;
  message_copy_links: MessageCopyLinksTable;
  message_attachments: MessageAttachmentsTable;
}

export type Db = Kysely<Database>;
export type SenderRow = Selectable<SendersTable>;
export type DocumentRow = Selectable<DocumentsTable>;
export type LinkRow = Selectable<LinksTable>;
export type VisitRow = Selectable<VisitsTable>;
export type EventRow = Selectable<EventsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type MessageRecipientRow = Selectable<MessageRecipientsTable>;
export type MessageCopyRow = Selectable<MessageCopiesTable>;
export type MessageAttachmentRow = Selectable<MessageAttachmentsTable>;
export type NewEvent = Omit<Insertable<EventsTable>, 'seq' | 'id'>;
