// The dashboard's view of the HTTP API: response shapes and one request helper. Every call sends
// X-Requested-With, which the server requires on cookie-authenticated writes (CSRF guard).

import type {
  Analytics,
  DocumentJson as DocumentSummary,
  LinkDefaultsJson,
  LinkJson as ShareLink,
  MailboxJson,
  MailSettingsJson,
  MessageJson,
  MessageSummaryJson,
  RecipientListJson,
  RecipientTimeline,
  VisitSummary as Visit,
} from '../../server/api-types.ts';
import type { ActivityEvent } from '../../server/realtime/protocol.ts';

export interface WebhookInfo {
  id: string;
  url: string;
  events: string[];
  createdAt: string;
}

export interface WebhookDelivery {
  id: string;
  type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export type {
  Analytics,
  DocumentJson as DocumentSummary,
  LinkDefaultsJson,
  LinkJson as ShareLink,
  MailboxJson,
  MailSettingsJson,
  MessageJson,
  RecipientListJson,
  RecipientTimeline,
  TimelineItem,
  VisitSummary as Visit,
} from '../../server/api-types.ts';

/** What the link form sends: the contract's fields and the access settings. */
export interface LinkInput extends Partial<LinkDefaultsJson> {
  recipient?: string;
  expiresAt?: string;
  passcode?: string;
}

/** `?a=1&b=2` from the non-empty values, or nothing. */
function query(params: Record<string, string>): string {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== ''));
  return q.size ? `?${q}` : '';
}

export const CSRF_HEADER = { 'X-Requested-With': 'pagetrail' } as const;

async function errorFrom(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as Partial<ApiErrorBody>;
    if (body.error?.message) return new ApiError(res.status, body.error.code ?? 'error', body.error.message);
  } catch {
    // Not JSON (a proxy error page, say): fall through to a generic message.
  }
  return new ApiError(res.status, 'http_error', `The server answered ${res.status} ${res.statusText}.`.trim());
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { ...CSRF_HEADER, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach Pagetrail. Check your connection and try again.');
  }
  if (!res.ok) throw await errorFrom(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const endpoints = {
  me: () => api<{ id: string; email: string }>('GET', '/api/me'),
  signIn: (email: string, password: string) => api<unknown>('POST', '/api/session', { email, password }),
  signOut: () => api<void>('DELETE', '/api/session'),
  documents: () => api<{ documents: DocumentSummary[] }>('GET', '/api/documents'),
  deleteDocument: (id: string) => api<void>('DELETE', `/api/documents/${encodeURIComponent(id)}`),
  links: (id: string) => api<{ links: ShareLink[] }>('GET', `/api/documents/${encodeURIComponent(id)}/links`),
  createLink: (id: string, input: LinkInput) =>
    api<ShareLink>('POST', `/api/documents/${encodeURIComponent(id)}/links`, input),
  linkDefaults: () => api<LinkDefaultsJson>('GET', '/api/settings/link-defaults'),
  saveLinkDefaults: (d: LinkDefaultsJson) => api<LinkDefaultsJson>('PUT', '/api/settings/link-defaults', d),
  revokeLink: (id: string) => api<void>('DELETE', `/api/links/${encodeURIComponent(id)}`),
  analytics: (id: string, include = '') =>
    api<Analytics>('GET', `/api/documents/${encodeURIComponent(id)}/analytics${query({ include })}`),
  visits: (id: string, filters: Record<string, string> = {}) =>
    api<{ visits: Visit[] }>('GET', `/api/documents/${encodeURIComponent(id)}/visits${query(filters)}`),
  recipients: (include = '') => api<RecipientListJson>('GET', `/api/recipients${query({ include })}`),
  timeline: (address: string, include = '') =>
    api<RecipientTimeline>('GET', `/api/recipients/${encodeURIComponent(address)}/timeline${query({ include })}`),
  messages: () => api<{ messages: MessageSummaryJson[] }>('GET', '/api/messages'),
  message: (id: string) => api<MessageJson>('GET', `/api/messages/${encodeURIComponent(id)}`),
  webhooks: () => api<{ webhooks: WebhookInfo[] }>('GET', '/api/webhooks'),
  createWebhook: (input: { url: string; events: string[] }) =>
    api<WebhookInfo & { secret: string }>('POST', '/api/webhooks', input),
  deleteWebhook: (id: string) => api<void>('DELETE', `/api/webhooks/${encodeURIComponent(id)}`),
  testWebhook: (id: string) => api<{ id: string }>('POST', `/api/webhooks/${encodeURIComponent(id)}/test`),
  deliveries: (id: string) =>
    api<{ deliveries: WebhookDelivery[] }>('GET', `/api/webhooks/${encodeURIComponent(id)}/deliveries`),
  notifications: () => api<{ email: boolean }>('GET', '/api/notifications'),
  setNotifications: (email: boolean) => api<{ email: boolean }>('PUT', '/api/notifications', { email }),
  setLinkNotifications: (id: string, email: boolean) =>
    api<{ email: boolean }>('PUT', `/api/links/${encodeURIComponent(id)}/notifications`, { email }),
  mailSettings: () => api<MailSettingsJson>('GET', '/api/settings/mail-tracking'),
  setMailSettings: (change: Partial<MailSettingsJson>) =>
    api<MailSettingsJson>('PUT', '/api/settings/mail-tracking', change),
  mailbox: () => api<MailboxJson>('GET', '/api/mailbox'),
  saveMailbox: (input: Record<string, string | number>) => api<MailboxJson>('PUT', '/api/mailbox', input),
  deleteMailbox: () => api<void>('DELETE', '/api/mailbox'),
  events: (id: string) => api<{ events: ActivityEvent[] }>('GET', `/api/documents/${encodeURIComponent(id)}/events`),
};
