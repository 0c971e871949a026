// The typed socket protocol shared by the server and the browser (imported there with `import type`).
// Event names are `resource:verb`; replies are `{ data } | { error }`; rooms are derived on the server.

export type Reply<T> = { data: T } | { error: { code: string; message: string } };

export interface DeviceInfo {
  type: 'desktop' | 'mobile' | 'tablet' | 'bot' | 'other';
  os: string | null;
  browser: string | null;
}

export interface LocationInfo {
  country: string | null;
  region: string | null;
  city: string | null;
}

export type EventType = 'open' | 'page_view' | 'download' | 'email_open' | 'click' | 'reply';

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
  automated: boolean;
  self: boolean;
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

// ---- /viewer namespace: a recipient's browser, authenticated by the link token ----

export interface ViewerAuth {
  token: string;
  /** Continue this visit after a reconnect (must belong to the same link). */
  visitId?: string;
}

export interface VisitInfo {
  visitId: string;
  documentId: string;
  pageCount: number;
}

/** A page event: arrival (durationMs 0) or time spent on the page since the previous event for it. */
export interface PageViewInput {
  /** Client-generated unique id; a re-sent event with the same id is stored once. */
  id: string;
  page: number;
  durationMs: number;
}

export interface ViewerClientEvents {
  'page:view': (input: PageViewInput, ack: (reply: Reply<{ seq: number; duplicate: boolean }>) => void) => void;
}

export interface ViewerServerEvents {
  'visit:started': (info: VisitInfo) => void;
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
  'document:updated': (doc: { id: string; status: string; pageCount: number | null }) => void;
}
