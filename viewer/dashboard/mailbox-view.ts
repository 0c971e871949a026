// The mailbox settings page: the IMAP account Pagetrail watches for replies (host, port, security, user, password,
// folder) and its connection status (connected, or the error, and when it was last checked), refreshed while open.
// The password field is always empty: the server never sends it back.

import type { MailboxJson } from '../../server/api-types.ts';
import { ApiError, api } from './api.ts';
import { h, render } from './dom.ts';
import { formatRelative } from './format.ts';

function field(label: string, input: HTMLElement): HTMLElement {
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), input);
}

function statusLine(m: MailboxJson | null): HTMLElement {
  if (!m) return h('p', { class: 'mailbox-status' }, 'No mailbox yet: replies arrive only through POST /api/inbound.');
  const s = m.status;
  const when = s.lastCheckedAt ? ` · last checked ${formatRelative(s.lastCheckedAt)}` : '';
  const cls = s.state === 'connected' ? 'badge-success' : s.state === 'error' ? 'badge-danger' : 'badge-progress';
  const label = s.state === 'connected' ? 'Connected' : s.state === 'error' ? 'Error' : 'Connecting';
  return h(
    'p',
    { class: 'mailbox-status', 'data-state': s.state },
    h('span', { class: `badge ${cls}` }, label),
    ' ',
    s.state === 'error' && s.message ? h('span', { class: 'mailbox-error' }, s.message) : null,
    when,
  );
}

export function renderMailbox(root: HTMLElement): () => void {
  const host = h('input', { type: 'text', name: 'host', placeholder: 'imap.example.org', required: true });
  const port = h('input', { type: 'number', name: 'port', min: 1, max: 65535, placeholder: '993' });
  const security = h(
    'select',
    { name: 'security' },
    h('option', { value: 'tls' }, 'TLS (993)'),
    h('option', { value: 'starttls' }, 'STARTTLS (143)'),
    h('option', { value: 'off' }, 'None (local network only)'),
  );
  const user = h('input', { type: 'text', name: 'user', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'new-password' });
  const folder = h('input', { type: 'text', name: 'folder', value: 'INBOX' });
  const status = h('div', { class: 'mailbox-status-box' });
  const note = h('p', { class: 'form-note', role: 'status' });
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save');
  const remove = h('button', { type: 'button', class: 'btn btn-secondary', hidden: true }, 'Stop watching');
  const form = h(
    'form',
    { class: 'card mailbox-form' },
    field('IMAP server', host),
    field('Port', port),
    field('Security', security),
    field('User name', user),
    field('Password', password),
    field('Folder', folder),
    h('div', { class: 'form-actions' }, save, remove),
    note,
  );
  render(
    root,
    h(
      'section',
      { class: 'page' },
      h('div', { class: 'page-header' }, h('h1', { class: 'page-title' }, 'Replies mailbox')),
      status,
      form,
    ),
  );

  let alive = true;
  let filled = false;
  const show = (m: MailboxJson | null) => {
    render(status, statusLine(m));
    if (m?.status.state === 'connected' && note.textContent === 'Saved. Connecting…') note.textContent = '';
    remove.hidden = !m;
    password.placeholder = m?.passwordSet ? 'unchanged' : '';
    if (m && !filled) {
      filled = true;
      host.value = m.host;
      port.value = String(m.port);
      security.value = m.security;
      user.value = m.user;
      folder.value = m.folder;
    }
  };
  const load = async () => {
    try {
      const m = await api<MailboxJson>('GET', '/api/mailbox');
      if (alive) show(m);
    } catch (err) {
      if (alive && err instanceof ApiError && err.status === 404) show(null);
      else if (alive) note.textContent = (err as Error).message;
    }
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    note.textContent = '';
    try {
      const m = await api<MailboxJson>('PUT', '/api/mailbox', {
        host: host.value.trim(),
        ...(port.value ? { port: Number(port.value) } : {}),
        security: security.value,
        user: user.value.trim(),
        ...(password.value ? { password: password.value } : {}),
        folder: folder.value.trim() || 'INBOX',
      });
      password.value = '';
      note.textContent = 'Saved. Connecting…';
      show(m);
    } catch (err) {
      note.textContent = (err as Error).message;
    }
  });
  remove.addEventListener('click', async () => {
    try {
      await api<void>('DELETE', '/api/mailbox');
      filled = false;
      form.reset();
      note.textContent = 'The mailbox is no longer watched.';
      show(null);
    } catch (err) {
      note.textContent = (err as Error).message;
    }
  });
  void load();
  const timer = setInterval(() => void load(), 5000);
  return () => {
    alive = false;
    clearInterval(timer);
  };
}
