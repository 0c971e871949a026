// Settings: notification emails and browser notifications, how mail sent through Pagetrail is tracked
// (attachments as links, the open pixel, click rewriting), and webhooks (list, add with the secret shown once,
// send a test event, recent deliveries, delete).

import { useState } from 'preact/hooks';
import { endpoints, type MailSettingsJson } from '../api.ts';
import { browserNotifications } from '../browser-notifications.ts';
import { Card } from '../components/card.tsx';
import { Switch } from '../components/switch.tsx';
import { WebhookForm, WebhookRow } from '../components/webhooks.tsx';
import { useApi } from '../hooks/use-api.ts';

function NotificationsCard() {
  const notify = useApi(() => endpoints.notifications(), 'notifications');
  return (
    <Card title="Notifications" class="settings-card">
      {notify.data ? (
        <Switch
          id="notify-email"
          label="Email me about first opens, downloads, replies, forwards and each visit"
          checked={notify.data.email}
          save={async (on) => (await endpoints.setNotifications(on)).email}
        />
      ) : (
        <div class="settings-row">{notify.error ?? 'Loading…'}</div>
      )}
      {browserNotifications.supported() ? (
        <Switch
          id="notify-browser"
          label="Show browser notifications for live activity"
          hint="Kept in this browser only."
          checked={browserNotifications.enabled()}
          save={(on) => browserNotifications.set(on)}
        />
      ) : (
        <div class="settings-row">
          <p class="empty-note">This browser does not support notifications.</p>
        </div>
      )}
    </Card>
  );
}

const MAIL_SWITCHES: { key: keyof MailSettingsJson; label: string; hint: string }[] = [
  {
    key: 'attachments',
    label: 'Send attachments as tracked links',
    hint: 'Off: every attachment stays attached as is.',
  },
  {
    key: 'pixel',
    label: 'Add an open pixel',
    hint: 'Off: no image is added, so opens are seen only when a link is followed.',
  },
  {
    key: 'clicks',
    label: 'Track clicks on links',
    hint: 'Off: links in your message go straight to where you pointed them.',
  },
];

function MailTrackingCard() {
  const mail = useApi(() => endpoints.mailSettings(), 'mail-tracking');
  const s = mail.data;
  return (
    <Card title="Email tracking" class="settings-card mail-tracking">
      <p class="settings-note">For mail you send through Pagetrail; a change applies to the next message sent.</p>
      {s ? (
        MAIL_SWITCHES.map(({ key, label, hint }) => (
          <Switch
            key={key}
            id={`mail-${key}`}
            label={label}
            hint={hint}
            checked={s[key]}
            save={async (on) => (await endpoints.setMailSettings({ [key]: on }))[key]}
          />
        ))
      ) : (
        <div class="settings-row">{mail.error ?? 'Loading…'}</div>
      )}
    </Card>
  );
}

function WebhooksCard() {
  const hooks = useApi(() => endpoints.webhooks(), 'webhooks');
  const [error, setError] = useState<string | null>(null);
  const fail = (err: unknown) => setError(err instanceof Error ? err.message : String(err));
  const changed = () => {
    setError(null);
    hooks.reload();
  };
  const list = hooks.data?.webhooks;
  const shown = error ?? hooks.error;
  return (
    <Card title="Webhooks" class="settings-card">
      <p class="settings-note">
        Signed deliveries (Standard Webhooks) to your CRM or automation, retried with back-off.
      </p>
      <WebhookForm onAdded={changed} onError={fail} />
      {shown && (
        <p class="form-error" role="alert">
          {shown}
        </p>
      )}
      <ul class="hook-list">
        {list?.length === 0 && <li class="empty-note">No webhooks yet.</li>}
        {list?.map((w) => (
          <WebhookRow key={w.id} hook={w} onDeleted={changed} onError={fail} />
        ))}
      </ul>
    </Card>
  );
}

export function SettingsPage() {
  return (
    <section class="page settings">
      <div class="page-header">
        <h1 class="page-title">Settings</h1>
      </div>
      <NotificationsCard />
      <MailTrackingCard />
      <WebhooksCard />
    </section>
  );
}
