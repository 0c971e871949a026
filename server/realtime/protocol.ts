// The typed socket protocol shared by the server and the browser (imported there with `import type`).
// Event names are `resource:verb`; replies are `{ data } | { error }`; rooms are derived on the server.

import type { ActivityEvent, DocumentUpdate, PageViewInput, Presence } from '../domain-types.ts';

export type * from '../domain-types.ts';

export type Reply<T> = { data: T } | { error: { code: string; message: string } };

// ---- /viewer namespace: a recipient's browser, authenticated by the link token ----

export interface ViewerAuth {
  token: string;
  /** Continue this visit after a reconnect (must belong to the same link). */
  visitId?: string;
  /** The reader page's entry ticket (data-ticket), required by links with a passcode or an email gate. */
  ticket?: string;
}

/** The visit's right to read the PDF: sent as the `X-Pagetrail-File` header of every `/v/:token/file` request. */
export interface FileTokenInfo {
  fileToken: string;
  /** Milliseconds until it expires; a fresh one arrives (`visit:file`) before that while the visit is live. */
  expiresInMs: number;
}

export interface VisitInfo extends FileTokenInfo {
  visitId: string;
  documentId: string;
  pageCount: number;
  /** Size of the PDF in bytes (the reader fetches it in ranges). */
  fileSize: number;
  /** Text to overlay on every page (who, when, from where), or null when the link has no watermark. */
  watermark: string | null;
}

export interface ViewerClientEvents {
  'page:view': (input: PageViewInput, ack: (reply: Reply<{ seq: number; duplicate: boolean }>) => void) => void;
  /** Sent once, on the visit's first scroll, key, pointer or touch: a person is reading (no payload, no reply). */
  'visit:input': () => void;
}

export interface ViewerServerEvents {
  'visit:started': (info: VisitInfo) => void;
  'visit:file': (info: FileTokenInfo) => void;
  'link:revoked': () => void;
}

/** Body of the sendBeacon endpoint `POST /v/:token/beacon`. */
export interface BeaconBody {
  visitId: string;
  events: PageViewInput[];
}

// ---- /feed namespace: a sender's dashboard, authenticated by API token or session cookie ----

export interface FeedAuth {
  token?: string;
  /** The last seq seen; stored events after it are replayed before live ones. */
  after?: number;
}

export interface FeedClientEvents {}

export interface FeedServerEvents {
  'feed:activity': (event: ActivityEvent) => void;
  'presence:snapshot': (readers: Presence[]) => void;
  'presence:update': (reader: Presence) => void;
  'presence:leave': (visitId: string) => void;
  'document:updated': (doc: DocumentUpdate) => void;
}
