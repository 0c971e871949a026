// Webhooks on the Settings page: the form that adds one (its signing secret shown once), and each webhook's row
// with a test button, its recent deliveries and delete.

import { useEffect, useRef, useState } from 'preact/hooks';
import { endpoints, type WebhookInfo } from '../api.ts';
import { useApi } from '../hooks/use-api.ts';
import { Badge, RelativeTime, type Tone } from './badge.tsx';
import { Field } from './field.tsx';
import { Icon } from './icon.tsx';

export const WEBHOOK_TYPES: [string, string][] = [
  ['link.opened', 'Link opened'],
  ['visit.ended', 'Visit ended (pages and times)'],
  ['document.downloaded', 'Document downloaded'],
  ['link.forwarded', 'Probably forwarded'],
  ['email.opened', 'Email opened'],
  ['link.clicked', 'Link clicked'],
  ['email.replied', 'Email replied'],
];

const STATUS: Record<string, Tone> = { delivered: 'success', failed: 'danger', pending: 'progress' };
/** A test event is queued, then sent by the delivery worker: look again a little later. */
const TEST_RELOAD_MS = 1500;

type OnError = (err: unknown) => void;

export function WebhookForm({ onAdded, onError }: { onAdded: () => void; onError: OnError }) {
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState(() => new Set(WEBHOOK_TYPES.map(([t]) => t)));
  const [secret, setSecret] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const made = await endpoints.createWebhook({ url: url.trim(), events: [...types] });
      setUrl('');
      setSecret(made.secret);
      onAdded();
    } catch (err) {
      onError(err);
    }
  };
  const toggle = (type: string, on: boolean) =>
    setTypes((now) => {
      const next = new Set(now);
      if (on) next.add(type);
      else next.delete(type);
      return next;
    });
  return (
    <>
      <form class="hook-form" onSubmit={submit}>
        <Field label="Endpoint URL" class="field-grow">
          <input
            type="url"
            id="hook-url"
            required
            placeholder="https://crm.example.com/hooks"
            value={url}
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
        </Field>
        <fieldset class="hook-types">
          <legend class="field-label">Events</legend>
          {WEBHOOK_TYPES.map(([type, label]) => (
            <label key={type} class="check" for={`hook-${type}`}>
              <input
                type="checkbox"
                id={`hook-${type}`}
                value={type}
                checked={types.has(type)}
                onChange={(e) => toggle(type, e.currentTarget.checked)}
              />
              <span>{label}</span>
            </label>
          ))}
        </fieldset>
        <button type="submit" class="btn btn-primary">
          <Icon name="link" />
          Add webhook
        </button>
      </form>
      {secret && (
        <div class="hook-secret">
          <p>
            <strong>Signing secret</strong> — copy it now, it is shown only once:
          </p>
          <input class="link-url" readOnly value={secret} aria-label="Signing secret" />
        </div>
      )}
    </>
  );
}

function DeliveryLog({ webhookId, pulse }: { webhookId: string; pulse: number }) {
  const log = useApi(() => endpoints.deliveries(webhookId), `${webhookId}|${pulse}`);
  const deliveries = log.data?.deliveries.slice(0, 10) ?? [];
  return (
    <ol class="delivery-list">
      {log.data && deliveries.length === 0 && <li class="empty-note">No deliveries yet.</li>}
      {deliveries.map((d) => (
        <li key={d.id} class="delivery">
          <Badge tone={STATUS[d.status] ?? 'muted'}>{d.status}</Badge>
          <code>{d.type}</code>
          <span class="delivery-meta">{`${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`}</span>
          {(d.lastStatus !== null || d.lastError) && (
            <span class="delivery-meta">{d.lastError ?? `HTTP ${d.lastStatus}`}</span>
          )}
          <RelativeTime at={d.createdAt} exact={false} />
        </li>
      ))}
    </ol>
  );
}

export function WebhookRow({
  hook: w,
  onDeleted,
  onError,
}: {
  hook: WebhookInfo;
  onDeleted: () => void;
  onError: OnError;
}) {
  const [pulse, setPulse] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  const test = async () => {
    try {
      await endpoints.testWebhook(w.id);
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => setPulse((n) => n + 1), TEST_RELOAD_MS);
    } catch (err) {
      onError(err);
    }
  };
  const remove = async () => {
    if (!confirm(`Delete the webhook to ${w.url}?`)) return;
    try {
      await endpoints.deleteWebhook(w.id);
      onDeleted();
    } catch (err) {
      onError(err);
    }
  };
  return (
    <li class="hook-row" data-webhook-id={w.id}>
      <div class="hook-head">
        <div class="link-main">
          <p class="hook-url">{w.url}</p>
          <p class="link-meta">{w.events.join(' · ')}</p>
        </div>
        <div class="link-actions">
          <button type="button" class="btn btn-secondary btn-sm" onClick={test}>
            Send test event
          </button>
          <button type="button" class="btn btn-ghost btn-sm btn-danger-text" onClick={remove}>
            <Icon name="trash" />
            Delete
          </button>
        </div>
      </div>
      <DeliveryLog webhookId={w.id} pulse={pulse} />
    </li>
  );
}
