// Settings: notification emails, browser notifications, and webhooks (list, add with the secret shown once,
// send a test event, recent deliveries, delete).

import { type WebhookInfo, endpoints } from './api.ts';
import { browserNotifications } from './browser-notifications.ts';
import { h, icon, render } from './dom.ts';
import { formatRelative } from './format.ts';

const TYPES: [string, string][] = [
  ['link.opened', 'Link opened'],
  ['visit.ended', 'Visit ended (pages and times)'],
  ['document.downloaded', 'Document downloaded'],
  ['link.forwarded', 'Probably forwarded'],
  ['email.opened', 'Email opened'],
  ['link.clicked', 'Link clicked'],
  ['email.replied', 'Email replied'],
];

const STATUS: Record<string, string> = {
  delivered: 'badge-success',
  failed: 'badge-danger',
  pending: 'badge-progress',
};

function toggle(id: string, label: string, checked: boolean, onChange: (on: boolean) => Promise<boolean>) {
  const box = h('input', { type: 'checkbox', id, checked });
  box.addEventListener('change', async () => {
    box.disabled = true;
    try {
      box.checked = await onChange(box.checked);
    } catch {
      box.checked = !box.checked;
    } finally {
      box.disabled = false;
    }
  });
  return h('label', { class: 'check', for: id }, box, h('span', null, label));
}

export function renderSettings(root: HTMLElement): () => void {
  let alive = true;
  const hooks = h('ul', { class: 'hook-list' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const secretNote = h('div', { class: 'hook-secret', hidden: true });
  const emailSwitch = h('div', { class: 'settings-row' }, 'Loading…');
  const showError = (err: unknown) => {
    error.textContent = err instanceof Error ? err.message : String(err);
    error.hidden = false;
  };

  const url = h('input', { type: 'url', id: 'hook-url', required: true, placeholder: 'https://crm.example.com/hooks' });
  const boxes = TYPES.map(([type, label]) => {
    const box = h('input', { type: 'checkbox', id: `hook-${type}`, value: type, checked: true });
    return { box, el: h('label', { class: 'check', for: `hook-${type}` }, box, h('span', null, label)) };
  });
  const form = h(
    'form',
    { class: 'hook-form' },
    h(
      'label',
      { class: 'field field-grow', for: 'hook-url' },
      h('span', { class: 'field-label' }, 'Endpoint URL'),
      url,
    ),
    h('fieldset', { class: 'hook-types' }, h('legend', { class: 'field-label' }, 'Events'), ...boxes.map((b) => b.el)),
    h('button', { type: 'submit', class: 'btn btn-primary' }, icon('link'), 'Add webhook'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    try {
      const made = await endpoints.createWebhook({
        url: url.value.trim(),
        events: boxes.filter((b) => b.box.checked).map((b) => b.box.value),
      });
      url.value = '';
      render(
        secretNote,
        h('p', null, h('strong', null, 'Signing secret'), ' — copy it now, it is shown only once:'),
        h('input', { class: 'link-url', readonly: true, value: made.secret, 'aria-label': 'Signing secret' }),
      );
      secretNote.hidden = false;
      await load();
    } catch (err) {
      showError(err);
    }
  });

  const hookRow = (w: WebhookInfo) => {
    const log = h('ol', { class: 'delivery-list' });
    const showLog = async () => {
      const { deliveries } = await endpoints.deliveries(w.id);
      render(
        log,
        ...(deliveries.length
          ? deliveries
              .slice(0, 10)
              .map((d) =>
                h(
                  'li',
                  { class: 'delivery' },
                  h('span', { class: `badge ${STATUS[d.status] ?? 'badge-muted'}` }, d.status),
                  h('code', null, d.type),
                  h('span', { class: 'delivery-meta' }, `${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`),
                  d.lastStatus !== null || d.lastError
                    ? h('span', { class: 'delivery-meta' }, d.lastError ?? `HTTP ${d.lastStatus}`)
                    : null,
                  h('time', { datetime: d.createdAt }, formatRelative(d.createdAt)),
                ),
              )
          : [h('li', { class: 'empty-note' }, 'No deliveries yet.')]),
      );
    };
    const test = h('button', { type: 'button', class: 'btn btn-secondary btn-sm' }, 'Send test event');
    test.addEventListener('click', async () => {
      try {
        await endpoints.testWebhook(w.id);
        setTimeout(() => void showLog(), 1500);
      } catch (err) {
        showError(err);
      }
    });
    const del = h('button', { type: 'button', class: 'btn btn-ghost btn-sm btn-danger-text' }, icon('trash'), 'Delete');
    del.addEventListener('click', async () => {
      if (!confirm(`Delete the webhook to ${w.url}?`)) return;
      try {
        await endpoints.deleteWebhook(w.id);
        await load();
      } catch (err) {
        showError(err);
      }
    });
    void showLog();
    return h(
      'li',
      { class: 'hook-row', 'data-webhook-id': w.id },
      h(
        'div',
        { class: 'hook-head' },
        h(
          'div',
          { class: 'link-main' },
          h('p', { class: 'hook-url' }, w.url),
          h('p', { class: 'link-meta' }, w.events.join(' · ')),
        ),
        h('div', { class: 'link-actions' }, test, del),
      ),
      log,
    );
  };

  const load = async () => {
    try {
      const [{ webhooks }, notify] = await Promise.all([endpoints.webhooks(), endpoints.notifications()]);
      if (!alive) return;
      render(
        emailSwitch,
        toggle(
          'notify-email',
          'Email me about first opens, downloads, replies, forwards and each visit',
          notify.email,
          async (on) => (await endpoints.setNotifications(on)).email,
        ),
      );
      render(
        hooks,
        ...(webhooks.length ? webhooks.map(hookRow) : [h('li', { class: 'empty-note' }, 'No webhooks yet.')]),
      );
    } catch (err) {
      if (alive) showError(err);
    }
  };

  const browser = browserNotifications.supported()
    ? toggle('notify-browser', 'Show browser notifications for live activity', browserNotifications.enabled(), (on) =>
        browserNotifications.set(on),
      )
    : h('p', { class: 'empty-note' }, 'This browser does not support notifications.');

  render(
    root,
    h(
      'section',
      { class: 'page settings' },
      h('div', { class: 'page-header' }, h('h1', { class: 'page-title' }, 'Settings')),
      h(
        'section',
        { class: 'card settings-card' },
        h('h2', { class: 'card-title' }, 'Notifications'),
        emailSwitch,
        h('div', { class: 'settings-row' }, browser),
      ),
      h(
        'section',
        { class: 'card settings-card' },
        h('h2', { class: 'card-title' }, 'Webhooks'),
        h(
          'p',
          { class: 'settings-note' },
          'Signed deliveries (Standard Webhooks) to your CRM or automation, retried with back-off.',
        ),
        form,
        error,
        secretNote,
        hooks,
      ),
    ),
  );
  void load();
  return () => {
    alive = false;
  };
}
