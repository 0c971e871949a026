// What a webhook receives: the types a sender subscribes to, and how a stored event becomes one.
import type { ActivityEvent, EventType } from '../domain-types.ts';

export const WEBHOOK_TYPES = [
  'link.opened',
  'visit.ended',
  'document.downloaded',
  'email.opened',
  'link.clicked',
  'email.replied',
  'link.forwarded',
] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];
/** Sent by "send test event" only; no subscription needed. */
export const TEST_TYPE = 'webhook.test';

/** Stored event types that are webhooks of their own (page views travel in visit.ended). */
const BY_EVENT: Partial<Record<EventType, WebhookType>> = {
  open: 'link.opened',
  download: 'document.downloaded',
  email_open: 'email.opened',
  click: 'link.clicked',
  reply: 'email.replied',
  forward: 'link.forwarded',
};

export function webhookTypeOf(event: ActivityEvent): WebhookType | null {
  if (event.self || event.automated) return null;
  return BY_EVENT[event.type] ?? null;
}

/** The event as a webhook's `data`: its public fields, without the feed's bookkeeping. */
export function eventData(event: ActivityEvent): Record<string, unknown> {
  const { seq: _seq, self: _self, automated: _automated, id, ...rest } = event;
  return { eventId: id, ...rest };
}
