// Table types for the query layer (Kysely); the same shapes on SQLite and PostgreSQL.
import type { Generated, Insertable, Kysely, Selectable } from 'kysely';

export interface SendersTable {
  id: string;
  email: string;
  password_hash: string;
  event_seq: Generated<number>;
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
}

/** Time a visit has accounted for so far (the sum of its page_view durations), kept with every write. */
export interface VisitTotalsTable {
  visit_id: string;
  accounted_ms: number;
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
}

export type Db = Kysely<Database>;
export type SenderRow = Selectable<SendersTable>;
export type DocumentRow = Selectable<DocumentsTable>;
export type LinkRow = Selectable<LinksTable>;
export type VisitRow = Selectable<VisitsTable>;
export type EventRow = Selectable<EventsTable>;
export type NewEvent = Omit<Insertable<EventsTable>, 'seq' | 'id'>;
